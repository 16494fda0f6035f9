package dev.brigade.it.env;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every process the tests started, so that a JVM exiting for any reason (a failed test, an
 * interrupted build) kills what is still running instead of leaving workers and PgBouncer behind.
 * A JVM killed outright runs no shutdown hook: each start is also written to a ledger under
 * target/, and the next test JVM kills what a dead test JVM left (never another live JVM's).
 */
public final class StartedProcesses {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Path LEDGER = Programs.workRoot().resolve("started-processes.txt");
    private static final ProcessHandle SELF = ProcessHandle.current();

    static {
        reapOrphans();
        Runtime.getRuntime().addShutdownHook(new Thread(StartedProcesses::killAll, "brigade-it-process-reaper"));
    }

    private StartedProcesses() {
    }

    public static Process track(Process process) {
        LIVE.add(process);
        process.onExit().thenAccept(LIVE::remove);
        record(process.toHandle());
        return process;
    }

    private static void killAll() {
        for (Process process : LIVE) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** One line per start: owner pid, owner start, pid, start. */
    private static void record(ProcessHandle started) {
        String line = SELF.pid() + " " + startOf(SELF) + " " + started.pid() + " " + startOf(started) + "\n";
        withLedger(channel -> {
            channel.position(channel.size());
            channel.write(StandardCharsets.UTF_8.encode(line));
        });
    }

    /** Kills the processes whose owning test JVM is gone, then keeps only the lines of live owners. */
    private static void reapOrphans() {
        withLedger(channel -> {
            String text = StandardCharsets.UTF_8.decode(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size())).toString();
            List<String> keep = new ArrayList<>();
            for (String line : text.split("\n")) {
                String[] f = line.trim().split(" ");
                if (f.length != 4) {
                    continue;
                }
                if (running(Long.parseLong(f[0]), f[1]).isPresent()) {
                    keep.add(line);
                } else {
                    running(Long.parseLong(f[2]), f[3]).ifPresent(orphan -> {
                        orphan.descendants().forEach(ProcessHandle::destroyForcibly);
                        orphan.destroyForcibly();
                    });
                }
            }
            channel.truncate(0);
            channel.write(StandardCharsets.UTF_8.encode(keep.isEmpty() ? "" : String.join("\n", keep) + "\n"), 0);
        });
    }

    /** The process with this pid if it is still the one that started at {@code start} (pids are reused). */
    private static Optional<ProcessHandle> running(long pid, String start) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> startOf(h).equals(start));
    }

    private static String startOf(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toString).orElse("unknown");
    }

    private interface LedgerWork {
        void run(FileChannel channel) throws IOException;
    }

    /** Ledger access is locked: other test JVMs (other sessions' builds) may use the same module. */
    private static synchronized void withLedger(LedgerWork work) {
        try {
            Files.createDirectories(LEDGER.getParent());
            try (FileChannel channel = FileChannel.open(LEDGER, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                work.run(channel);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("[it] process ledger " + LEDGER + ": " + e); // best effort: the hook still runs
        }
    }
}
