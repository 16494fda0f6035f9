package dev.brigade.worker.signal;

/** The in-process messaging channels the signals arrive on (whatever the signals mode). */
public final class SignalChannels {
    public static final String WAKEUP = "brigade-wakeup";
    public static final String CANCEL = "brigade-cancel";
    public static final String METRICS = "brigade-metrics";

    private SignalChannels() {
    }
}
