package dev.begone.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every watched account of a process. Accounts share nothing but the listener: each has its own threads,
 * connections and backoff, so one that fails or hangs holds up no other, and stopping waits for them side by side.
 */
public final class Watch {
    private final List<AccountWatcher> accounts;

    public Watch(List<AccountWatcher> accounts) {
        this.accounts = List.copyOf(accounts);
        if (this.accounts.isEmpty()) throw new IllegalArgumentException("no account to watch");
    }

    public void start() {
        accounts.forEach(AccountWatcher::start);
    }

    /**
     * Asks every account to stop, then waits for all of them together, at most {@code grace}.
     *
     * @return the accounts still running when the grace ran out (each will still stop between messages)
     */
    public List<String> stop(Duration grace) throws InterruptedException {
        accounts.forEach(AccountWatcher::stop);
        long deadline = System.nanoTime() + grace.toNanos();
        List<String> late = new ArrayList<>();
        for (AccountWatcher a : accounts) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (!a.awaitStopped(left)) late.add(a.name());
        }
        return List.copyOf(late);
    }

    public List<Health> health() {
        return accounts.stream().map(AccountWatcher::health).toList();
    }
}
