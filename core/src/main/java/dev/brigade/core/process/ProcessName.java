package dev.brigade.core.process;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The {@code pid@host} name of this process, for people (not unique: containers reuse pids). */
public final class ProcessName {
    private ProcessName() {
    }

    public static String current() {
        return ProcessHandle.current().pid() + "@" + host();
    }

    private static String host() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
