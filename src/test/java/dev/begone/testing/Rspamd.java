package dev.begone.testing;

import dev.begone.classify.rspamd.RspamdOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Rspamd 3 on loopback with its Bayes in a private Redis, per notes/real-servers.md section 4: our own
 * top-level config (the stock one binds the system ports and trusts loopback without a password), the stock rules,
 * every module that would reach the network switched off, Bayes usable after one learn of each class.
 */
public final class Rspamd extends ServerProcess {
    public static final String PASSWORD = "rspamd-test-secret";
    /**
     * Rspamd compiles its hyperscan regexps for about 11 s at a cold start; the cache outside the temp dir makes
     * every later start take a fraction of a second. Per user, because the cache files are private to their owner.
     */
    private static final Path HS_CACHE = Path.of("target", "rspamd-hs-cache-" + System.getProperty("user.name"));

    private final Redis redis;
    private int scanPort;
    private int controllerPort;

    private Rspamd(Path dir, Redis redis) {
        super(dir);
        this.redis = redis;
    }

    /** Starts Redis and Rspamd under {@code dir} (a fresh @TempDir), skipping the test when either is missing. */
    public static Rspamd start(Path dir) throws IOException, InterruptedException {
        assumeInstalled("rspamd", "rspamd");
        assumeInstalled("redis-server", "redis-server");
        Redis redis = Redis.start(Files.createDirectories(dir.resolve("redis")));
        Rspamd r = new Rspamd(Files.createDirectories(dir.resolve("rspamd")), redis);
        try {
            r.setUp();
            r.start();
        } catch (IOException | RuntimeException e) {
            redis.close();
            throw e;
        }
        return r;
    }

    private static final List<String> NETWORK_MODULES = List.of("whitelist", "spf", "fuzzy_check", "rbl", "dkim",
            "phishing", "mid", "arc", "multimap", "asn", "dmarc", "hfilter", "mime_types", "dkim_signing", "elastic",
            "metadata_exporter");

    private void setUp() throws IOException {
        Path local = Files.createDirectories(dir.resolve("local.d"));
        for (String d : List.of("db", "run", "log")) Files.createDirectories(dir.resolve(d));
        Path cache = Files.createDirectories(HS_CACHE).toAbsolutePath();
        Files.writeString(local.resolve("options.inc"), "hs_cache_dir = \"" + cache + "/\";\nenable_test_patterns = true;\n");
        // Redis for Bayes only: a global redis section would switch on greylisting, ratelimits and more.
        Files.writeString(local.resolve("classifier-bayes.conf"), """
                backend = "redis";
                servers = "127.0.0.1:%d";
                min_learns = 1;
                min_token_hits = 1;
                autolearn = false;
                """.formatted(redis.port()));
        for (String module : NETWORK_MODULES) Files.writeString(local.resolve(module + ".conf"), "enabled = false;\n");
    }

    @Override
    protected List<String> prepare() throws IOException {
        int[] ports = freePorts(2);
        scanPort = ports[0];
        controllerPort = ports[1];
        Files.writeString(dir.resolve("rspamd.conf"), """
                .include "$CONFDIR/common.conf"
                options {
                  pidfile = "$RUNDIR/rspamd.pid";
                  .include "$CONFDIR/options.inc"
                  .include(try=true; priority=1,duplicate=merge) "$LOCAL_CONFDIR/local.d/options.inc"
                }
                logging {
                  type = "file";
                  filename = "$LOGDIR/rspamd.log";
                  level = "info";
                }
                worker "normal" {
                  bind_socket = "127.0.0.1:%d";
                  count = 1;
                  mime = true;
                }
                worker "controller" {
                  bind_socket = "127.0.0.1:%d";
                  count = 1;
                  password = "%s";
                  enable_password = "%s";
                  static_dir = "${WWWDIR}";
                }
                """.formatted(scanPort, controllerPort, PASSWORD, PASSWORD));
        List<String> cmd = new ArrayList<>(List.of("rspamd", "-f", "-c", dir.resolve("rspamd.conf").toString(),
                "--var=LOCAL_CONFDIR=" + dir, "--var=DBDIR=" + dir.resolve("db"), "--var=RUNDIR=" + dir.resolve("run"),
                "--var=LOGDIR=" + dir.resolve("log")));
        // Rspamd refuses to run its workers as root unless told to; the fixture writes nothing outside its dirs.
        if (isRoot()) cmd.add("-i");
        return cmd;
    }

    @Override
    protected Duration readyTimeout() {
        return Duration.ofSeconds(120);
    }

    @Override
    protected boolean ready() {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            for (int port : new int[] {scanPort, controllerPort}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200 || !r.body().startsWith("pong")) return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public URI scanner() {
        return URI.create("http://127.0.0.1:" + scanPort);
    }

    public URI controller() {
        return URI.create("http://127.0.0.1:" + controllerPort);
    }

    /** Client options for this server, with its password and a timeout suited to tests. */
    public RspamdOptions options() {
        return RspamdOptions.defaults().withScanner(scanner()).withController(controller()).withPassword(PASSWORD)
                .withTimeout(Duration.ofSeconds(30));
    }

    /** How many messages Rspamd's Bayes has learned of each class, read from Redis: {@code [spam, ham]}. */
    public long[] learns() {
        String reply = redis.command("HMGET RS learns_spam learns_ham");
        String[] lines = reply.split("\r\n");
        long[] counts = new long[2];
        int found = 0;
        for (int i = 1; i < lines.length && found < 2; i++) {
            if (lines[i].startsWith("$-1")) {
                found++;
            } else if (!lines[i].startsWith("$")) {
                counts[found++] = Long.parseLong(lines[i].trim());
            }
        }
        return counts;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            super.close();
        } finally {
            redis.close();
        }
    }
}
