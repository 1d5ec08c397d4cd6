package dev.begone.imap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Set;
import javax.net.SocketFactory;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import jdk.net.ExtendedSocketOptions;

/**
 * Sockets whose input passes through a {@link ResponseGuard}: plain ones from {@link #plainFactory}, and TLS ones
 * wrapped by {@link #wrap}, which must stay an {@link SSLSocket} so that the IMAP library still checks the server's
 * identity on it. The guard sits on the plaintext, above TLS.
 */
final class GuardedSockets {
    private GuardedSockets() {}

    static SocketFactory plainFactory(long maxLiteral, long maxLine) {
        return new SocketFactory() {
            @Override
            public Socket createSocket() {
                return new Plain(maxLiteral, maxLine);
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                return connected(new Plain(maxLiteral, maxLine), host, port);
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
                Socket s = new Plain(maxLiteral, maxLine);
                s.bind(new java.net.InetSocketAddress(localHost, localPort));
                return connected(s, host, port);
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                Socket s = new Plain(maxLiteral, maxLine);
                s.connect(new java.net.InetSocketAddress(host, port));
                return s;
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                    throws IOException {
                Socket s = new Plain(maxLiteral, maxLine);
                s.bind(new java.net.InetSocketAddress(localAddress, localPort));
                s.connect(new java.net.InetSocketAddress(address, port));
                return s;
            }
        };
    }

    private static Socket connected(Socket s, String host, int port) throws IOException {
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    static SSLSocket wrap(SSLSocket socket, long maxLiteral, long maxLine) {
        return new Tls(keptAlive(socket), maxLiteral, maxLine);
    }

    /** Silence after which the kernel probes the peer; probes then go every {@link #PROBE_EVERY_SECONDS}. */
    static final int PROBE_AFTER_SECONDS = 60;
    static final int PROBE_EVERY_SECONDS = 15;
    static final int PROBES = 4;

    /**
     * A connection that idles (IMAP IDLE waits up to 25 minutes between commands) may be dropped without a word by a
     * NAT or firewall on the way; without probes begone would only notice at its next command, and mail arriving
     * meanwhile would wait. With them a dead peer is found about two minutes after it went silent, the read fails,
     * and the daemon reconnects; the probes also keep a NAT's mapping alive.
     */
    static <S extends Socket> S keptAlive(S socket) {
        try {
            socket.setKeepAlive(true);
            if (socket.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
                socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, PROBE_AFTER_SECONDS);
                socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, PROBE_EVERY_SECONDS);
                socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, PROBES);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Where the platform refuses per-socket timings, its own keepalive defaults (or none) apply.
        }
        return socket;
    }

    private static final class Plain extends Socket {
        private final long maxLiteral;
        private final long maxLine;
        private InputStream guarded;

        Plain(long maxLiteral, long maxLine) {
            this.maxLiteral = maxLiteral;
            this.maxLine = maxLine;
            keptAlive(this);
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (guarded == null) guarded = new ResponseGuard(super.getInputStream(), maxLiteral, maxLine);
            return guarded;
        }
    }

    /** Delegates everything to the real TLS socket except its input. */
    private static final class Tls extends SSLSocket {
        private final SSLSocket d;
        private final long maxLiteral;
        private final long maxLine;
        private InputStream guarded;

        Tls(SSLSocket delegate, long maxLiteral, long maxLine) {
            this.d = delegate;
            this.maxLiteral = maxLiteral;
            this.maxLine = maxLine;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (guarded == null) guarded = new ResponseGuard(d.getInputStream(), maxLiteral, maxLine);
            return guarded;
        }

        @Override public OutputStream getOutputStream() throws IOException { return d.getOutputStream(); }
        @Override public <T> Socket setOption(SocketOption<T> name, T value) throws IOException { d.setOption(name, value); return this; }
        @Override public <T> T getOption(SocketOption<T> name) throws IOException { return d.getOption(name); }
        @Override public Set<SocketOption<?>> supportedOptions() { return d.supportedOptions(); }
        @Override public void connect(SocketAddress endpoint, int timeout) throws IOException { d.connect(endpoint, timeout); }
        @Override public void connect(SocketAddress endpoint) throws IOException { d.connect(endpoint); }
        @Override public void bind(SocketAddress bindpoint) throws IOException { d.bind(bindpoint); }
        @Override public void close() throws IOException { d.close(); }
        @Override public void shutdownInput() throws IOException { d.shutdownInput(); }
        @Override public void shutdownOutput() throws IOException { d.shutdownOutput(); }
        @Override public boolean isConnected() { return d.isConnected(); }
        @Override public boolean isBound() { return d.isBound(); }
        @Override public boolean isClosed() { return d.isClosed(); }
        @Override public boolean isInputShutdown() { return d.isInputShutdown(); }
        @Override public boolean isOutputShutdown() { return d.isOutputShutdown(); }
        @Override public InetAddress getInetAddress() { return d.getInetAddress(); }
        @Override public InetAddress getLocalAddress() { return d.getLocalAddress(); }
        @Override public int getPort() { return d.getPort(); }
        @Override public int getLocalPort() { return d.getLocalPort(); }
        @Override public SocketAddress getRemoteSocketAddress() { return d.getRemoteSocketAddress(); }
        @Override public SocketAddress getLocalSocketAddress() { return d.getLocalSocketAddress(); }
        @Override public SocketChannel getChannel() { return d.getChannel(); }
        @Override public void setSoTimeout(int timeout) throws SocketException { d.setSoTimeout(timeout); }
        @Override public int getSoTimeout() throws SocketException { return d.getSoTimeout(); }
        @Override public void setTcpNoDelay(boolean on) throws SocketException { d.setTcpNoDelay(on); }
        @Override public boolean getTcpNoDelay() throws SocketException { return d.getTcpNoDelay(); }
        @Override public void setKeepAlive(boolean on) throws SocketException { d.setKeepAlive(on); }
        @Override public boolean getKeepAlive() throws SocketException { return d.getKeepAlive(); }
        @Override public void setSoLinger(boolean on, int linger) throws SocketException { d.setSoLinger(on, linger); }
        @Override public int getSoLinger() throws SocketException { return d.getSoLinger(); }
        @Override public String toString() { return d.toString(); }
        @Override public String[] getSupportedCipherSuites() { return d.getSupportedCipherSuites(); }
        @Override public String[] getEnabledCipherSuites() { return d.getEnabledCipherSuites(); }
        @Override public void setEnabledCipherSuites(String[] suites) { d.setEnabledCipherSuites(suites); }
        @Override public String[] getSupportedProtocols() { return d.getSupportedProtocols(); }
        @Override public String[] getEnabledProtocols() { return d.getEnabledProtocols(); }
        @Override public void setEnabledProtocols(String[] protocols) { d.setEnabledProtocols(protocols); }
        @Override public SSLSession getSession() { return d.getSession(); }
        @Override public SSLSession getHandshakeSession() { return d.getHandshakeSession(); }
        @Override public void addHandshakeCompletedListener(HandshakeCompletedListener l) { d.addHandshakeCompletedListener(l); }
        @Override public void removeHandshakeCompletedListener(HandshakeCompletedListener l) { d.removeHandshakeCompletedListener(l); }
        @Override public void startHandshake() throws IOException { d.startHandshake(); }
        @Override public void setUseClientMode(boolean mode) { d.setUseClientMode(mode); }
        @Override public boolean getUseClientMode() { return d.getUseClientMode(); }
        @Override public void setNeedClientAuth(boolean need) { d.setNeedClientAuth(need); }
        @Override public boolean getNeedClientAuth() { return d.getNeedClientAuth(); }
        @Override public void setWantClientAuth(boolean want) { d.setWantClientAuth(want); }
        @Override public boolean getWantClientAuth() { return d.getWantClientAuth(); }
        @Override public void setEnableSessionCreation(boolean flag) { d.setEnableSessionCreation(flag); }
        @Override public boolean getEnableSessionCreation() { return d.getEnableSessionCreation(); }
        @Override public SSLParameters getSSLParameters() { return d.getSSLParameters(); }
        @Override public void setSSLParameters(SSLParameters params) { d.setSSLParameters(params); }
        @Override public String getApplicationProtocol() { return d.getApplicationProtocol(); }
        @Override public String getHandshakeApplicationProtocol() { return d.getHandshakeApplicationProtocol(); }
    }
}
