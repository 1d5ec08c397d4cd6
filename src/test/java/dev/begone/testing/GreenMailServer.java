package dev.begone.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.begone.imap.ImapSettings;
import dev.begone.imap.Secret;
import dev.begone.imap.TlsMode;
import java.time.Duration;
import java.util.Map;

/** In-process GreenMail, IMAP without TLS on a loopback ephemeral port, users alice and bob: for fast tests. */
public final class GreenMailServer implements AutoCloseable {
    public static final Map<String, String> PASSWORDS = Map.of("alice", "alicepw", "bob", "bobpw");

    private final GreenMail greenMail;

    private GreenMailServer(GreenMail greenMail) {
        this.greenMail = greenMail;
    }

    public static GreenMailServer start() {
        GreenMail gm = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
        gm.start();
        PASSWORDS.forEach(gm::setUser);
        return new GreenMailServer(gm);
    }

    public int imapPort() {
        return greenMail.getImap().getPort();
    }

    /** GreenMail offers no STARTTLS here, so plaintext must be allowed explicitly. */
    public ImapSettings settings(String user) {
        return ImapSettings.builder("127.0.0.1", imapPort(), user, Secret.of(PASSWORDS.get(user)), TlsMode.STARTTLS)
                .allowPlaintext(true)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
