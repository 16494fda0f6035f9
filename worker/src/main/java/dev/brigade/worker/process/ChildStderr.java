package dev.brigade.worker.process;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brigade.core.db.Json;
import org.jboss.logging.Logger;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A child's stderr, line by line: a line that starts with {@link #PROGRESS_PREFIX} is a progress
 * update; any other line is the child's log, written to the worker's log (on the task's thread,
 * so with its task id) and kept in a bounded tail for the task's error. Progress updates are
 * coalesced per code until {@link #takeProgress}: a child that reports a thousand times a second
 * costs one write per code per read of its pipe.
 */
final class ChildStderr {
    static final String PROGRESS_PREFIX = "brigade:progress ";
    /** A longer line is cut (the rest up to its newline is dropped). */
    static final int MAX_LINE_BYTES = 64 * 1024;
    static final int TAIL_LINES = 20;
    static final int TAIL_CHARS = 4096;

    private static final Logger LOG = Logger.getLogger(ChildStderr.class);

    /** One progress update, as TaskContext.progress takes it. */
    record Progress(String code, String message, Integer total, int done) {
    }

    private final String handlerName;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean cut;
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private int tailChars;
    private final Map<String, Progress> progress = new LinkedHashMap<>();

    ChildStderr(String handlerName) {
        this.handlerName = handlerName;
    }

    void accept(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                endLine();
            } else if (line.size() < MAX_LINE_BYTES) {
                line.write(b);
            } else {
                cut = true;
            }
        }
    }

    /** The child has exited: a last line without its newline counts too. */
    void close() {
        if (line.size() > 0 || cut) {
            endLine();
        }
    }

    /** The progress updates since the last call, the latest per code. */
    Iterable<Progress> takeProgress() {
        var updates = java.util.List.copyOf(progress.values());
        progress.clear();
        return updates;
    }

    /** The last log lines (at most {@link #TAIL_LINES}, {@link #TAIL_CHARS} characters), joined by newlines. */
    String tail() {
        return String.join("\n", tail);
    }

    private void endLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        if (cut) {
            text += " [cut at " + MAX_LINE_BYTES + " bytes]";
        }
        line.reset();
        cut = false;
        if (text.startsWith(PROGRESS_PREFIX)) {
            String problem = readProgress(text.substring(PROGRESS_PREFIX.length()));
            if (problem == null) {
                return;
            }
            LOG.warnf("process handler %s: a progress line was ignored (%s)", handlerName, problem);
        } else {
            LOG.infof("process handler %s: %s", handlerName, text);
        }
        keep(text);
    }

    /** Null when the update was taken, else why not. */
    private String readProgress(String json) {
        JsonNode update;
        try {
            update = Json.MAPPER.readTree(json);
        } catch (Exception e) {
            return "not JSON";
        }
        if (update == null || !update.isObject()) {
            return "not a JSON object";
        }
        JsonNode code = update.get("code");
        if (code == null || !code.isTextual() || code.asText().isEmpty()) {
            return "code must be a non-empty string";
        }
        JsonNode message = update.get("message");
        if (message != null && !message.isNull() && !message.isTextual()) {
            return "message must be a string";
        }
        JsonNode total = update.get("total");
        if (total != null && !total.isNull() && !(total.canConvertToInt() && total.isIntegralNumber() && total.asInt() >= 0)) {
            return "total must be a whole number of at least 0, or null";
        }
        JsonNode done = update.get("done");
        if (done != null && !(done.canConvertToInt() && done.isIntegralNumber() && done.asInt() >= 0)) {
            return "done must be a whole number of at least 0";
        }
        progress.put(code.asText(), new Progress(code.asText(),
                message == null || message.isNull() ? code.asText() : message.asText(),
                total == null || total.isNull() ? null : total.asInt(),
                done == null ? 0 : done.asInt()));
        return null;
    }

    private void keep(String text) {
        tail.addLast(text);
        tailChars += text.length();
        while (tail.size() > TAIL_LINES || (tailChars > TAIL_CHARS && tail.size() > 1)) {
            tailChars -= tail.removeFirst().length();
        }
        if (tailChars > TAIL_CHARS) {
            // one line longer than the whole tail: its end
            String only = tail.removeFirst();
            String end = "…" + only.substring(only.length() - TAIL_CHARS + 1);
            tail.addLast(end);
            tailChars = end.length();
        }
    }
}
