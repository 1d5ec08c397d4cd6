package dev.begone.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class OpenClassifiersTest {
    /** Counts what is open, as a model in memory would. */
    private static final class Counted implements Classifier {
        final String account;
        final AtomicInteger open;
        boolean closed;

        Counted(String account, AtomicInteger open) {
            this.account = account;
            this.open = open;
            open.incrementAndGet();
        }

        @Override
        public String name() {
            return "builtin";
        }

        @Override
        public Verdict classify(byte[] message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LearnResult learn(byte[] message, Label label) {
            throw new UnsupportedOperationException();
        }

        /** What its last save held: one lesson named after the account. */
        @Override
        public Map<String, Label> lastSynced() {
            // As one opened on demand: closed, it cannot tell without opening again.
            if (closed) throw new IllegalStateException("closed");
            return Map.of("lesson of " + account, Label.SPAM);
        }

        @Override
        public void close() {
            closed = true;
            open.decrementAndGet();
        }
    }

    private final AtomicInteger open = new AtomicInteger();
    private final List<String> opened = new ArrayList<>();

    private OnDemandClassifier.Opener opener(String account) {
        return () -> {
            synchronized (opened) {
                opened.add(account);
            }
            return new Counted(account, open);
        };
    }

    @Test
    void anAccountGetsBackTheClassifierItUsedLastWithoutOpeningItAgain() throws Exception {
        try (OpenClassifiers room = new OpenClassifiers(2)) {
            Classifier first = room.acquire("alice", opener("alice"));
            room.release("alice", first);
            Classifier second = room.acquire("alice", opener("alice"));
            assertSame(first, second);
            assertEquals(List.of("alice"), opened);
            room.release("alice", second);
        }
        assertEquals(0, open.get(), "closing the room closes what stayed open");
    }

    @Test
    void twoCyclesOfOneAccountAtOnceShareOneClassifierSoNeitherSavesOverTheOthersLessons() throws Exception {
        try (OpenClassifiers room = new OpenClassifiers(2)) {
            Counted scan = (Counted) room.acquire("alice", opener("alice"));
            Counted training = (Counted) room.acquire("alice", opener("alice"));
            assertSame(scan, training);
            room.release("alice", scan);
            assertFalse(training.closed, "still in use by the other cycle");
            room.release("alice", training);
            Classifier next = room.acquire("alice", opener("alice"));
            assertSame(scan, next, "then idle, kept for the next cycle");
            assertEquals(List.of("alice"), opened);
            assertEquals(1, open.get());
            room.release("alice", next);
        }
    }

    @Test
    void theLeastRecentlyUsedIdleClassifierIsClosedToMakeRoom() throws Exception {
        try (OpenClassifiers room = new OpenClassifiers(2)) {
            Counted alice = (Counted) room.acquire("alice", opener("alice"));
            room.release("alice", alice);
            Counted bob = (Counted) room.acquire("bob", opener("bob"));
            room.release("bob", bob);
            room.release("alice", room.acquire("alice", opener("alice")));

            Counted carol = (Counted) room.acquire("carol", opener("carol"));
            assertTrue(bob.closed, "bob's was used least recently");
            assertFalse(alice.closed);
            assertEquals(2, open.get());
            room.release("carol", carol);
            assertEquals(List.of("alice", "bob", "carol"), opened);
        }
    }

    /** Recovery asks every cycle for the lessons of the last save: a thousand accounts cannot each load a model for it. */
    @Test
    void theLessonsOfAClassifierClosedForRoomAreKnownWithoutOpeningItAgainUntilItIsOpenedAgain() throws Exception {
        try (OpenClassifiers room = new OpenClassifiers(1)) {
            try (OnDemandClassifier alice = OnDemandClassifier.sharing("builtin", "alice", opener("alice"), room)) {
                assertEquals(Map.of("lesson of alice", Label.SPAM), alice.lastSynced());
            }
            try (OnDemandClassifier bob = OnDemandClassifier.sharing("builtin", "bob", opener("bob"), room)) {
                assertEquals(Map.of("lesson of bob", Label.SPAM), bob.lastSynced());
            }
            try (OnDemandClassifier alice = OnDemandClassifier.sharing("builtin", "alice", opener("alice"), room)) {
                assertEquals(Map.of("lesson of alice", Label.SPAM), alice.lastSynced());
            }
            assertEquals(List.of("alice", "bob"), opened, "alice's lessons were known without opening it again");

            room.release("alice", room.acquire("alice", opener("alice")));
            assertEquals(Optional.empty(), room.lessonsIfClosed("alice"), "open again, its next save may hold others");
            assertEquals(Optional.of(Map.of("lesson of bob", Label.SPAM)), room.lessonsIfClosed("bob"));
        }
    }

    /** A run with nothing new asks for the lessons of the last save and must not load a model for them. */
    @Test
    void aClassifierOpenedOnDemandTellsItsLastLessonsWithoutOpeningThenAsOpened() throws Exception {
        Map<String, Label> onFile = Map.of("lesson on file", Label.HAM);
        try (OnDemandClassifier c = OnDemandClassifier.owned("builtin", opener("alice"), () -> onFile)) {
            assertEquals(onFile, c.lastSynced());
            assertEquals(List.of(), opened);
            assertThrows(UnsupportedOperationException.class, () -> c.classify(new byte[0]));
            assertEquals(Map.of("lesson of alice", Label.SPAM), c.lastSynced(), "once open, the open one answers");
        }
        assertEquals(0, open.get());
    }

    @Test
    void aThirdAccountWaitsWhileTwoAreInUseAndGoesOnWhenOneIsGivenBack() throws Exception {
        try (OpenClassifiers room = new OpenClassifiers(2)) {
            Classifier alice = room.acquire("alice", opener("alice"));
            Classifier bob = room.acquire("bob", opener("bob"));
            Future<Classifier> carol = CompletableFuture.supplyAsync(() -> {
                try {
                    return room.acquire("carol", opener("carol"));
                } catch (ClassifierException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThrows(java.util.concurrent.TimeoutException.class, () -> carol.get(200, TimeUnit.MILLISECONDS),
                    "no room while both are in use");
            room.release("bob", bob);
            Classifier carols = carol.get(10, TimeUnit.SECONDS);
            assertEquals(2, open.get(), "never more open than the room");
            room.release("carol", carols);
            room.release("alice", alice);
        }
    }
}
