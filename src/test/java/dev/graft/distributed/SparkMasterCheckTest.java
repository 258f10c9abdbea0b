package dev.graft.distributed;

import dev.graft.GraftException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An unreachable standalone master is a usage error naming the master and the cause, raised before Spark starts
 * (Spark would retry for a minute and then report only "Cannot call methods on a stopped SparkContext").
 */
class SparkMasterCheckTest {
    /** A loopback port that was free a moment ago and that nobody listens on now. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aMasterNobodyListensOnIsRefusedWithTheCauseAndTheUrl() throws IOException {
        String master = "spark://127.0.0.1:" + freePort();
        GraftException e = assertThrows(GraftException.class, () -> SparkContexts.open("probe", master));
        assertEquals(GraftException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("cannot reach the Spark master " + master), e.getMessage());
        assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
    }

    @Test
    void aListeningMasterAndNonStandaloneMastersPass() throws IOException {
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int dead = freePort();
            assertDoesNotThrow(() -> SparkContexts.checkReachable("spark://127.0.0.1:" + dead + ",127.0.0.1:"
                    + listening.getLocalPort()), "one reachable master of several is enough");
        }
        assertDoesNotThrow(() -> SparkContexts.checkReachable("local[2]"));
        assertDoesNotThrow(() -> SparkContexts.checkReachable("yarn"));
    }
}
