package dev.begone.daemon;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One account as the daemon sees it.
 *
 * @param folders         the folders whose new mail is filed at once, each waited on by its own connection and thread
 * @param trainingFolders the folders whose changes are learnt from at once ({@link AccountWork#train}): training
 *                        folders and the spam folder, each waited on by its own connection and thread too
 * @param periodicEvery   how often {@link AccountWork#periodic} runs
 * @param waiters         opens a waiting connection on a folder
 * @param work            the scan, the training and the periodic work, run one at a time
 */
public record WatchedAccount(String name, List<String> folders, List<String> trainingFolders, Duration periodicEvery,
        NewMailWaiter.Opener waiters, AccountWork work) {
    public WatchedAccount {
        Objects.requireNonNull(name, "name");
        folders = List.copyOf(folders);
        trainingFolders = List.copyOf(trainingFolders);
        if (folders.isEmpty()) throw new IllegalArgumentException("account " + name + " watches no folder");
        Set<String> distinct = new HashSet<>(folders);
        distinct.addAll(trainingFolders);
        if (distinct.size() != folders.size() + trainingFolders.size()) {
            throw new IllegalArgumentException("account " + name + " watches a folder twice: " + folders + " " + trainingFolders);
        }
        if (periodicEvery == null || periodicEvery.isNegative() || periodicEvery.isZero()) {
            throw new IllegalArgumentException("periodicEvery must be positive, was " + periodicEvery);
        }
        Objects.requireNonNull(waiters, "waiters");
        Objects.requireNonNull(work, "work");
    }
}
