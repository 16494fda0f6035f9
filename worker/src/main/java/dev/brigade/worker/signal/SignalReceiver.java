package dev.brigade.worker.signal;

import dev.brigade.core.signal.Signal;
import dev.brigade.worker.WorkerLoop;
import dev.brigade.worker.execute.TaskSupervisor;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.UUID;

/** Consumes the signal channels: wakeups ring the worker loop, cancels reach the supervisor. */
@ApplicationScoped
public class SignalReceiver {
    private static final Logger LOG = Logger.getLogger(SignalReceiver.class);

    private final WorkerLoop loop;
    private final TaskSupervisor supervisor;

    public SignalReceiver(WorkerLoop loop, TaskSupervisor supervisor) {
        this.loop = loop;
        this.supervisor = supervisor;
    }

    @Incoming(SignalChannels.WAKEUP)
    public void onWakeup(String payload) {
        Signal.wakeup(payload).ifPresent(loop::wake);
    }

    @Incoming(SignalChannels.CANCEL)
    public void onCancel(String payload) {
        try {
            supervisor.cancel(UUID.fromString(payload));
        } catch (IllegalArgumentException e) {
            LOG.debugf("ignored a cancel signal with a payload that is no task id");
        }
    }
}
