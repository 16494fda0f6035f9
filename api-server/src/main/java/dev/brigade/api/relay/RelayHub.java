package dev.brigade.api.relay;

import dev.brigade.core.signal.CancelSignal;
import dev.brigade.core.signal.HandleSignal;
import dev.brigade.core.signal.RelayProtocol;
import io.vertx.core.http.ServerWebSocket;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The workers subscribed to this relay and who gets which signal. Wakeups are targeted: a
 * {@code handle} goes to one worker that said it waits with room (the one waiting longest) and
 * runs a handler the signal names (any worker when it names none, see HandleSignal: a mixed
 * fleet's dispatch wakes a worker that can claim the task, not one that would find nothing); a
 * worker whose claim filled its room says {@code more} and two more are woken, so a burst fans out
 * over the fleet in a few steps while one dispatch costs one claim. A {@code handle} that finds
 * nobody waiting (who runs its names) is owed to the next such worker that reports room: its claim starts after the task
 * was committed, so one claim covers every wakeup owed before it (a full claim fans out again).
 * {@code unblock} goes to one worker that runs the unblocker, {@code cancel} to the task's
 * holder, the metrics figures to all. A lost signal costs latency, never a task: the workers'
 * safety poll stays on.
 *
 * <p>Every method runs on some event loop (one per connection, the listener's for signals):
 * the state is guarded by this object's monitor; frames are written outside it.
 */
@ApplicationScoped
public class RelayHub {
    private static final Logger LOG = Logger.getLogger(RelayHub.class);
    /** Workers woken per {@code more}: enough to fan out quickly, few enough to waste little at a burst's end. */
    private static final int FAN_OUT = 2;

    private final Map<UUID, Subscriber> subscribers = new LinkedHashMap<>();
    /** Subscribers that wait with room, the longest waiting first. */
    private final LinkedHashSet<Subscriber> waiting = new LinkedHashSet<>();
    /** A handle for any worker found nobody waiting. */
    private boolean owedToAny;
    /** Handler names whose handle found nobody waiting who runs them. */
    private final Set<String> owedNames = new HashSet<>();
    private long unblockTurn;

    /**
     * One subscribed worker. {@code room} is what it last reported, 0 once it was woken;
     * {@code handlers} the names it runs (empty: not told, taken for every name); {@code wokenFor}
     * the handle it was last woken for (passed on if it has no room after all).
     */
    static final class Subscriber {
        final UUID id;
        final boolean auxiliary;
        final Optional<Set<String>> handlers;
        final ServerWebSocket socket;
        int room;
        volatile HandleSignal wokenFor = HandleSignal.any();

        Subscriber(UUID id, boolean auxiliary, Optional<Set<String>> handlers, ServerWebSocket socket) {
            this.id = id;
            this.auxiliary = auxiliary;
            this.handlers = handlers;
            this.socket = socket;
        }

        boolean canClaim(HandleSignal handle) {
            return handlers.map(handle::concerns).orElse(true);
        }

        /** What this worker's claims may turn up for others: tasks of the names it runs. */
        HandleSignal itsNames() {
            return handlers.map(HandleSignal::of).orElse(HandleSignal.any());
        }
    }

    /** A worker subscribed; a second socket of the same worker replaces the first. */
    public void join(UUID id, boolean auxiliary, Optional<Set<String>> handlers, ServerWebSocket socket) {
        Subscriber replaced;
        Subscriber joined = new Subscriber(id, auxiliary, handlers, socket);
        synchronized (this) {
            replaced = subscribers.put(id, joined);
        }
        if (replaced != null) {
            replaced.socket.close((short) 1008, "replaced by a newer connection of the same worker");
        }
        socket.textMessageHandler(message -> received(joined, message));
        socket.closeHandler(closed -> leave(joined));
    }

    private synchronized void leave(Subscriber subscriber) {
        subscribers.remove(subscriber.id, subscriber);
        waiting.remove(subscriber);
        subscriber.room = 0;
    }

    private void received(Subscriber from, String message) {
        switch (message) {
            case RelayProtocol.MORE -> wake(FAN_OUT, from.itsNames());
            case RelayProtocol.PASS -> wake(1, from.wokenFor);
            default -> RelayProtocol.room(message).ifPresentOrElse(room -> roomReported(from, room),
                    () -> LOG.debugf("ignored a message from worker %s: %s", from.id, message));
        }
    }

    private void roomReported(Subscriber from, int room) {
        boolean wakeNow = false;
        synchronized (this) {
            if (subscribers.get(from.id) != from) {
                return;
            }
            from.room = room;
            if (room == 0) {
                waiting.remove(from);
            } else if (takeOwedFor(from)) {
                from.room = 0;
                waiting.remove(from);
                wakeNow = true;
            } else {
                waiting.add(from); // keeps its place when it was waiting already
            }
        }
        if (wakeNow) {
            from.socket.writeTextMessage(RelayProtocol.HANDLE);
        }
    }

    /**
     * A wakeup owed that this worker's claim would cover (one for any worker, or one for a name
     * it runs): taken off what is owed, as its claim covers them. Under the monitor.
     */
    private boolean takeOwedFor(Subscriber subscriber) {
        boolean owed = owedToAny || (!owedNames.isEmpty() && subscriber.canClaim(HandleSignal.of(owedNames)));
        if (owed) {
            owedToAny = false;
            subscriber.handlers.ifPresentOrElse(owedNames::removeAll, owedNames::clear);
            subscriber.wokenFor = HandleSignal.any();
        }
        return owed;
    }

    /** Newly claimable tasks, of any name: wakes {@code workers} waiting workers (or owes the wakeup). */
    public void wake(int workers) {
        wake(workers, HandleSignal.any());
    }

    /**
     * Newly claimable tasks of the names {@code handle} gives: wakes {@code workers} waiting
     * workers that run one of them, the longest waiting first (or owes the wakeup).
     */
    public void wake(int workers, HandleSignal handle) {
        List<Subscriber> woken = new ArrayList<>(Math.min(workers, 64));
        synchronized (this) {
            while (woken.size() < workers) {
                Subscriber next = waiting.stream().filter(s -> s.canClaim(handle)).findFirst().orElse(null);
                if (next == null) {
                    if (handle.names().isEmpty()) {
                        owedToAny = true;
                    } else {
                        owedNames.addAll(handle.names());
                    }
                    break;
                }
                waiting.remove(next);
                next.room = 0;
                next.wokenFor = handle;
                woken.add(next);
            }
        }
        woken.forEach(s -> s.socket.writeTextMessage(RelayProtocol.HANDLE));
    }

    /** Resources were released: one worker that runs the unblocker looks (a waiting one first). */
    public void unblock() {
        Subscriber chosen = null;
        synchronized (this) {
            for (Subscriber s : waiting) {
                if (!s.auxiliary) {
                    chosen = s;
                    break;
                }
            }
            if (chosen == null) {
                List<Subscriber> candidates = subscribers.values().stream().filter(s -> !s.auxiliary).toList();
                if (!candidates.isEmpty()) {
                    chosen = candidates.get((int) (unblockTurn++ % candidates.size()));
                }
            }
        }
        if (chosen != null) {
            chosen.socket.writeTextMessage(RelayProtocol.UNBLOCK);
        }
    }

    /**
     * A task moved to canceling: to its holder when the payload names one subscribed here (a
     * holder subscribed to another replica hears it from that one); to all when it names none.
     */
    public void cancel(String payload) {
        CancelSignal.parse(payload).ifPresent(cancel -> {
            String message = RelayProtocol.cancel(cancel.task().toString());
            if (cancel.holder().isEmpty()) {
                broadcast(message);
                return;
            }
            Subscriber holder;
            synchronized (this) {
                holder = subscribers.get(cancel.holder().get());
            }
            if (holder != null) {
                holder.socket.writeTextMessage(message);
            }
        });
    }

    public void metrics(String json) {
        broadcast(RelayProtocol.metrics(json));
    }

    /**
     * The LISTEN session is (back) up: signals sent while it was away are lost, so every worker
     * that waits with room looks for work, and one runs the unblocker.
     */
    public void resubscribed() {
        wake(Integer.MAX_VALUE);
        synchronized (this) {
            // nobody waiting: whoever reports room next finds the work itself
            owedToAny = false;
            owedNames.clear();
        }
        unblock();
    }

    /** The LISTEN session is gone: close every subscriber, so that each polls until a relay listens again. */
    public void closeAll(String reason) {
        List<Subscriber> all;
        synchronized (this) {
            all = new ArrayList<>(subscribers.values());
            subscribers.clear();
            waiting.clear();
        }
        all.forEach(s -> s.socket.close((short) 1012, reason));
    }

    public synchronized int subscribed() {
        return subscribers.size();
    }

    /** Subscribers that wait with room now. */
    public synchronized int waitingWorkers() {
        return waiting.size();
    }

    /** Whether a wakeup found nobody waiting and goes to the next worker that reports room. */
    public synchronized boolean wakeupOwed() {
        return owedToAny || !owedNames.isEmpty();
    }

    private void broadcast(String message) {
        List<Subscriber> all;
        synchronized (this) {
            all = new ArrayList<>(subscribers.values());
        }
        all.forEach(s -> s.socket.writeTextMessage(message));
    }
}
