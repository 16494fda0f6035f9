package dev.brigade.worker.signal;

import dev.brigade.core.handler.TaskHandlers;
import dev.brigade.core.signal.CancelSignal;
import dev.brigade.core.signal.HandleSignal;
import dev.brigade.core.signal.Signal;
import dev.brigade.core.db.Json;
import dev.brigade.worker.WorkerLoop;
import dev.brigade.worker.metrics.QueueFigures;
import dev.brigade.worker.metrics.WorkerMetrics;
import dev.brigade.worker.execute.TaskSupervisor;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;


/**
 * Consumes the signal channels: wakeups ring the worker loop (a {@code handle} that names only
 * handlers this worker does not run is not its business: in a mixed fleet it claims nothing of
 * it), cancels reach the supervisor.
 */
@ApplicationScoped
public class SignalReceiver {
    private static final Logger LOG = Logger.getLogger(SignalReceiver.class);

    private final WorkerLoop loop;
    private final TaskSupervisor supervisor;
    private final WorkerMetrics metrics;
    private final TaskHandlers handlers;

    public SignalReceiver(WorkerLoop loop, TaskSupervisor supervisor, WorkerMetrics metrics, TaskHandlers handlers) {
        this.loop = loop;
        this.supervisor = supervisor;
        this.metrics = metrics;
        this.handlers = handlers;
    }

    @Incoming(SignalChannels.WAKEUP)
    public void onWakeup(String payload) {
        metrics.signalReceived(SignalChannels.WAKEUP);
        if (HandleSignal.parse(payload).filter(handle -> !handle.concerns(handlers.names())).isPresent()) {
            return;
        }
        Signal.wakeup(payload).ifPresent(loop::wake);
    }

    @Incoming(SignalChannels.METRICS)
    public void onMetrics(String payload) {
        try {
            metrics.queue(Json.MAPPER.readValue(payload, QueueFigures.class));
        } catch (Exception e) {
            LOG.debugf("ignored a metrics signal that is no queue figures: %s", e.getMessage());
        }
    }

    @Incoming(SignalChannels.CANCEL)
    public void onCancel(String payload) {
        metrics.signalReceived(SignalChannels.CANCEL);
        CancelSignal.parse(payload).ifPresentOrElse(cancel -> supervisor.cancel(cancel.task()),
                () -> LOG.debugf("ignored a cancel signal with a payload that is no task id"));
    }
}
