package dev.begone.state;

import dev.begone.imap.UidSet;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs in a child JVM started by the tests, to die the hard way (Runtime.halt: no shutdown hooks, no
 * close) at a chosen point, as kill -9 or a power cut would.
 */
public final class StateChild {
    static final int HALTED = 99;

    private StateChild() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "begin-and-halt" -> {
                StateStore store = StateStore.open(Path.of(args[1]));
                long id = store.beginPlan(args[2], StateStoreTest.copyFlagExpunge(args[2], UidSet.range(10, 20))).get(0);
                System.out.println("BEGUN " + id);
                System.out.flush();
                Runtime.getRuntime().halt(HALTED);
            }
            case "hold-lock" -> {
                AccountLock lock = AccountLock.acquire(Path.of(args[1]), Duration.ofMinutes(60), false);
                System.out.println("HELD " + ProcessHandle.current().pid() + " " + lock.file());
                System.out.flush();
                // Holds until the parent asks for the crash (or goes away), then dies without releasing.
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                Runtime.getRuntime().halt(HALTED);
            }
            case "try-lock" -> {
                try (AccountLock lock = AccountLock.acquire(Path.of(args[1]), Duration.ofMinutes(60), false)) {
                    System.out.println("ACQUIRED " + lock.file());
                } catch (LockedException e) {
                    System.out.println("REFUSED " + e.getMessage());
                }
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }
}
