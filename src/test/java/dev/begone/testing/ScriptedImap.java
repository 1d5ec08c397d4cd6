package dev.begone.testing;

import java.io.IOException;
import java.util.Locale;

/** Just enough IMAP for a client to log in, then one command answered by a hostile script. */
public final class ScriptedImap {
    private static final int MAX_COMMANDS = 50;

    /** What the server does when the client sends the command under test. */
    @FunctionalInterface
    public interface Hostile {
        void answer(ScriptedPeer.Conversation c, String tag) throws IOException, InterruptedException;
    }

    private ScriptedImap() {}

    /** Greets, answers CAPABILITY, LOGIN and anything else with OK, and {@code verb} with {@code hostile}. */
    public static ScriptedPeer.Script serving(String verb, Hostile hostile) {
        return c -> {
            c.send("* OK [CAPABILITY IMAP4rev1] scripted server ready\r\n");
            for (int i = 0; i < MAX_COMMANDS; i++) {
                String line = c.readLine();
                if (line == null) return;
                String[] words = line.split(" ", 3);
                String tag = words[0];
                String command = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
                if (command.equals(verb)) {
                    hostile.answer(c, tag);
                    return;
                }
                switch (command) {
                    case "CAPABILITY" -> c.send("* CAPABILITY IMAP4rev1\r\n" + tag + " OK done\r\n");
                    case "LOGOUT" -> {
                        c.send("* BYE bye\r\n" + tag + " OK done\r\n");
                        return;
                    }
                    default -> c.send(tag + " OK done\r\n");
                }
            }
        };
    }
}
