package dev.graft.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code graft} command line in-process, as a user would type it, capturing what it prints. */
record CliRun(int code, String out, String err) {
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GraftMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }
}
