package dev.begone.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A throw-away Redis 7 on loopback, in memory only (no snapshot, no append-only file), for Rspamd's Bayes. */
public final class Redis extends ServerProcess {
    private int port;

    private Redis(Path dir) {
        super(dir);
    }

    public static Redis start(Path dir) throws IOException, InterruptedException {
        assumeInstalled("redis-server", "redis-server");
        Redis r = new Redis(dir);
        r.start();
        return r;
    }

    @Override
    protected List<String> prepare() throws IOException {
        port = freePorts(1)[0];
        Path data = Files.createDirectories(dir.resolve("data"));
        return List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", data.toString(), "--logfile", "");
    }

    @Override
    protected boolean ready() {
        return command("PING").startsWith("+PONG");
    }

    public int port() {
        return port;
    }

    /** Sends one inline command and returns the first reply (up to 4 KB), or "" when Redis does not answer. */
    public String command(String inline) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            s.setSoTimeout(2000);
            s.getOutputStream().write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
