package dev.brigade.it.check;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One run of a task's handler as brigade.record wrote it to its process's run log: when the
 * handler started and ended (null: the process died first), and which process ran it. Times are
 * this host's clock, which the database on this host shares.
 */
public record HandlerRun(UUID taskId, Instant start, Instant end, String process) {

    /** Every run in these run logs (a missing file: a worker that never ran brigade.record). */
    public static List<HandlerRun> read(Collection<Path> runLogs) {
        List<HandlerRun> runs = new ArrayList<>();
        for (Path runLog : runLogs) {
            if (Files.exists(runLog)) {
                runs.addAll(parse(lines(runLog)));
            }
        }
        return runs;
    }

    /**
     * Pairs each {@code start} line with the next {@code end} line of the same task in one log
     * (a second start of a task before its end stays a run of its own, so a double start shows).
     */
    static List<HandlerRun> parse(List<String> lines) {
        List<HandlerRun> runs = new ArrayList<>();
        Map<UUID, Integer> open = new HashMap<>();
        for (String line : lines) {
            String[] field = line.split(" ");
            if (field.length < 3) {
                continue; // the last line of a process killed in the middle of writing it
            }
            UUID task = UUID.fromString(field[1]);
            Instant at = Instant.EPOCH.plus(Long.parseLong(field[2]), ChronoUnit.MICROS);
            if (field[0].equals("start") && field.length == 4) {
                open.put(task, runs.size());
                runs.add(new HandlerRun(task, at, null, field[3]));
            } else if (field[0].equals("end") && open.containsKey(task)) {
                int index = open.remove(task);
                HandlerRun started = runs.get(index);
                runs.set(index, new HandlerRun(task, started.start(), at, started.process()));
            }
        }
        return runs;
    }

    private static List<String> lines(Path runLog) {
        try {
            return Files.readAllLines(runLog);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "handler run of " + taskId + " by " + process + " from " + start + " to " + (end == null ? "(none: the process died)" : end);
    }
}
