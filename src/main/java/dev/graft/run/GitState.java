package dev.graft.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The git commit (and dirty flag) of the checkout Graft runs from; both null when unknown. */
record GitState(String commit, Boolean dirty) {
    static GitState of(Path start) {
        Path dir = start.toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve(".git"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            return new GitState(null, null);
        }
        String commit = git(dir, "rev-parse", "HEAD");
        if (commit == null) {
            return new GitState(null, null);
        }
        String status = git(dir, "status", "--porcelain", "--untracked-files=no");
        return new GitState(commit, status == null ? null : !status.isBlank());
    }

    private static String git(Path dir, String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "git";
        cmd[1] = "-C";
        cmd[2] = dir.toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null; // git not installed: provenance just lacks the commit
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
