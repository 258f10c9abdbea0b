package dev.graft.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code graft --version}: Graft's version and the DL4J release it is built on. */
final class GraftVersion implements CommandLine.IVersionProvider {
    static Properties properties() {
        Properties p = new Properties();
        try (InputStream in = GraftVersion.class.getResourceAsStream("/graft-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // a missing resource only means an unknown version
        }
        return p;
    }

    static String version() {
        return properties().getProperty("version", "unknown");
    }

    @Override
    public String[] getVersion() {
        Properties p = properties();
        return new String[] {
            "graft " + p.getProperty("version", "unknown"),
            "Deeplearning4j/ND4J/DataVec " + p.getProperty("dl4j", "unknown") + ", Java "
                    + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}
