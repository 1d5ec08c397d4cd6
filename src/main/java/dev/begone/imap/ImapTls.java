package dev.begone.imap;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Session properties for one connection: trust and host name checks are given to Angus per session
 * through its socket factory property, never through JVM-wide defaults. Also turns connect failures into
 * messages that tell the user which option to reach for.
 */
final class ImapTls {
    /**
     * One timer thread for every connection's write deadline: without it Angus starts a timer thread per connection, a
     * thousand of them for a process that watches a thousand accounts. Angus leaves a timer it was given running.
     */
    private static final ScheduledExecutorService WRITE_DEADLINES = writeDeadlines();
    private static final Map<TrustKey, SSLContext> CONTEXTS = new ConcurrentHashMap<>();

    private ImapTls() {}

    private static ScheduledExecutorService writeDeadlines() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("imap-write-deadlines").factory());
        // Each write schedules its deadline and cancels it when done: cancelled deadlines must not pile up for 30 s.
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    static String protocol(ImapSettings s) {
        return s.tls() == TlsMode.IMPLICIT ? "imaps" : "imap";
    }

    static Properties sessionProperties(ImapSettings s) throws MailStoreException {
        String p = "mail." + protocol(s);
        Properties props = new Properties();
        props.setProperty("mail.store.protocol", protocol(s));
        props.setProperty(p + ".connectiontimeout", Long.toString(s.timeout().toMillis()));
        props.setProperty(p + ".timeout", Long.toString(s.timeout().toMillis()));
        // A blocking write ignores the read timeout: Angus closes the socket from a timer when a write takes longer.
        props.setProperty(p + ".writetimeout", Long.toString(s.timeout().toMillis()));
        props.put(p + ".executor.writetimeout", WRITE_DEADLINES);
        // The login stays in Angus's pool while unused, so that a folder opened after another closed, or a store kept
        // for the next cycle (begone watch), reuses it instead of logging in again: each login costs the server a TLS
        // handshake and a session. One unused for a minute is asked NOOP first.
        props.setProperty(p + ".connectionpooltimeout", Long.toString(ImapSettings.KEPT_LOGGED_IN.toMillis()));
        props.setProperty(p + ".servertimeout", Long.toString(Duration.ofMinutes(1).toMillis()));
        props.put(p + ".socketFactory", GuardedSockets.plainFactory(s.maxLiteralBytes(), ImapSettings.MAX_LINE_BYTES));
        // Login data stays out of the trace even when a trace is wanted.
        props.setProperty("mail.debug.auth", "false");
        props.setProperty("mail.debug.auth.username", "false");
        props.setProperty("mail.debug.auth.password", "false");
        props.put(p + ".ssl.socketFactory", socketFactory(s));
        // Angus would otherwise retry a refused handshake with the JVM's default factory and trust store.
        props.setProperty(p + ".socketFactory.fallback", "false");
        props.setProperty(p + ".ssl.checkserveridentity", Boolean.toString(!s.insecure()));
        if (s.tls() == TlsMode.IMPLICIT) {
            props.setProperty(p + ".ssl.enable", "true");
        } else {
            props.setProperty(p + ".starttls.enable", "true");
            props.setProperty(p + ".starttls.required", Boolean.toString(!s.allowPlaintext()));
        }
        return props;
    }

    private static SSLSocketFactory socketFactory(ImapSettings s) throws MailStoreException {
        return new Configuring(context(s).getSocketFactory(), !s.insecure(), s.maxLiteralBytes());
    }

    /**
     * The TLS context of a trust configuration, one for every connection made with it: its session cache lets a
     * connection resume the TLS session of an earlier one to the same server, without the server's signature and the
     * check of its certificate chain. {@code begone watch} over many accounts of one server makes two connections an
     * account at start and after every restart of the server. A CA file that changed makes a context of its own.
     */
    private static SSLContext context(ImapSettings s) throws MailStoreException {
        TrustKey key;
        try {
            key = new TrustKey(s.insecure(), s.trustCa(), s.trustCa() == null ? null : Files.getLastModifiedTime(s.trustCa()));
        } catch (IOException e) {
            throw new MailStoreException("cannot read TLS CA file " + s.trustCa() + ": " + e.getMessage(), e);
        }
        SSLContext known = CONTEXTS.get(key);
        if (known != null) return known;
        try {
            TrustManager[] trust;
            if (s.insecure()) {
                trust = new TrustManager[] {new TrustEverything()};
            } else if (s.trustCa() == null) {
                trust = new TrustManager[] {trustManager(null)};
            } else {
                trust = new TrustManager[] {new EitherTrusts(trustManager(null), trustManager(trustStore(s)))};
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, trust, null);
            SSLContext first = CONTEXTS.putIfAbsent(key, ctx);
            return first != null ? first : ctx;
        } catch (GeneralSecurityException e) {
            throw new MailStoreException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** The JDK's trust manager over {@code anchors}, or over the system's trust store for null. */
    private static X509ExtendedTrustManager trustManager(KeyStore anchors) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        for (TrustManager t : tmf.getTrustManagers()) {
            if (t instanceof X509ExtendedTrustManager x509) return x509;
        }
        throw new GeneralSecurityException("no X.509 trust manager in " + tmf.getAlgorithm());
    }

    /** What a TLS context trusts: everything, the system's trust store ({@code ca} null), or a CA file as it is now. */
    private record TrustKey(boolean insecure, Path ca, FileTime caModified) {}

    private static KeyStore trustStore(ImapSettings s) throws MailStoreException, GeneralSecurityException {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(s.trustCa())) {
            certs = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | CertificateException e) {
            throw new MailStoreException("cannot read TLS CA file " + s.trustCa() + ": " + e.getMessage(), e);
        }
        if (certs.isEmpty()) throw new MailStoreException("TLS CA file " + s.trustCa() + " holds no certificate");
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new MailStoreException("cannot create trust store: " + e.getMessage(), e);
        }
        int i = 0;
        for (Certificate c : certs) ks.setCertificateEntry("ca" + i++, c);
        return ks;
    }

    /** Translates a failed connect or login into a message for the user; a TLS refusal says which setting would help. */
    static MailStoreException connectFailure(ImapSettings s, MessagingException e) {
        String where = s.address();
        if (e instanceof AuthenticationFailedException) {
            return new LoginFailedException("login as " + s.user() + " on " + where + " failed: " + e.getMessage(), e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("STARTTLS") && m.contains("required")) {
                return new TlsRefusedException("server " + where + " does not offer STARTTLS; refusing to send the"
                        + " password in clear", TlsRefusedException.Remedy.ALLOW_PLAINTEXT, e);
            }
            if (m.contains("No subject alternative") || m.contains("No name matching")
                    || m.contains("server identity")) {
                return new TlsRefusedException("TLS certificate of " + where + " does not name host " + s.host(),
                        TlsRefusedException.Remedy.SKIP_VERIFICATION, e);
            }
            if (t instanceof SSLHandshakeException || t instanceof CertificateException) {
                return new TlsRefusedException("TLS certificate of " + where + " is not trusted",
                        TlsRefusedException.Remedy.TRUST_CERTIFICATE, e);
            }
            if (t instanceof UnknownHostException) {
                return new MailStoreException("cannot connect to " + where + ": unknown host " + s.host(), e);
            }
            if (t instanceof ConnectException) {
                return new MailStoreException("cannot connect to " + where + ": " + m, e);
            }
            if (t instanceof SocketTimeoutException) {
                return new MailStoreException("no answer from " + where + " within " + s.timeout(), e);
            }
        }
        return new MailStoreException("IMAP connection to " + where + " failed: " + e.getMessage(), e);
    }

    /**
     * Turns on host name verification in JSSE for every socket it makes (a second check besides Angus's), and puts
     * a {@link ResponseGuard} on what the server sends.
     */
    private static final class Configuring extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final boolean verifyHost;
        private final long maxLiteral;

        Configuring(SSLSocketFactory delegate, boolean verifyHost, long maxLiteral) {
            this.delegate = delegate;
            this.verifyHost = verifyHost;
            this.maxLiteral = maxLiteral;
        }

        private Socket configure(Socket socket) {
            if (!(socket instanceof SSLSocket ssl)) return socket;
            if (verifyHost) {
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(params);
            }
            return GuardedSockets.wrap(ssl, maxLiteral, ImapSettings.MAX_LINE_BYTES);
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return configure(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return configure(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return configure(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return configure(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return configure(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return configure(delegate.createSocket(address, port, localAddress, localPort));
        }
    }

    /**
     * The system's trust and the CA file's, as mbsync's CertificateFile adds to the system's certificates: a chain
     * either accepts is trusted, with its host name checked by the one that accepts it. When both refuse, the
     * reason of the one that got past the chain is given (a host name the certificate does not name), else the CA
     * file's (it was named for this server); the other's beside it.
     */
    private static final class EitherTrusts extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager system;
        private final X509ExtendedTrustManager extra;

        EitherTrusts(X509ExtendedTrustManager system, X509ExtendedTrustManager extra) {
            this.system = system;
            this.extra = extra;
        }

        private interface Check {
            void check(X509ExtendedTrustManager t) throws CertificateException;
        }

        private void either(Check check) throws CertificateException {
            try {
                check.check(system);
            } catch (CertificateException bySystem) {
                try {
                    check.check(extra);
                } catch (CertificateException byExtra) {
                    CertificateException first = chainRefused(byExtra) && !chainRefused(bySystem) ? bySystem : byExtra;
                    first.addSuppressed(first == byExtra ? bySystem : byExtra);
                    throw first;
                }
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            either(t -> t.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            either(t -> t.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            either(t -> t.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw noClients();
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw noClients();
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw noClients();
        }

        /** Refused for the chain itself (no path to a trusted anchor, or a path that does not validate). */
        private static boolean chainRefused(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) return true;
            }
            return false;
        }

        private static CertificateException noClients() {
            return new CertificateException("begone is a client: it trusts no client certificate");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            X509Certificate[] a = system.getAcceptedIssuers();
            X509Certificate[] b = extra.getAcceptedIssuers();
            X509Certificate[] both = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, both, a.length, b.length);
            return both;
        }
    }

    /** Only for --tls-insecure, which the user asked for by name. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
