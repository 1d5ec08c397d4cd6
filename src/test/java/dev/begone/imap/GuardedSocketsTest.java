package dev.begone.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;

/** A connection that waits in IDLE for minutes is probed by the kernel, so a peer that vanished is noticed. */
class GuardedSocketsTest {
    private static final long ANY_SIZE = 1 << 20;

    @Test
    void aPlainConnectionIsProbedAfterAMinuteOfSilence() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket s = GuardedSockets.plainFactory(ANY_SIZE, ANY_SIZE).createSocket(server.getInetAddress(), server.getLocalPort())) {
            assertProbed(s);
        }
    }

    @Test
    void aTlsConnectionIsProbedBelowTheTlsLayer() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SSLSocket ssl = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket(server.getInetAddress(), server.getLocalPort());
            try (Socket s = GuardedSockets.wrap(ssl, ANY_SIZE, ANY_SIZE)) {
                assertProbed(s);
                assertTrue(ssl.getKeepAlive(), "the real socket under the guard has keepalive on");
            }
        }
    }

    private static void assertProbed(Socket s) throws IOException {
        assertTrue(s.getOption(StandardSocketOptions.SO_KEEPALIVE));
        if (s.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) { // Linux and macOS; elsewhere the system's timings
            assertEquals(GuardedSockets.PROBE_AFTER_SECONDS, s.getOption(ExtendedSocketOptions.TCP_KEEPIDLE));
            assertEquals(GuardedSockets.PROBE_EVERY_SECONDS, s.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL));
            assertEquals(GuardedSockets.PROBES, s.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT));
        }
    }
}
