package dev.brigade.core.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/** The component versions of this build, written into brigade-version.properties by Maven. */
public final class BrigadeVersion {
    public static final String COMPONENT = "brigade";
    public static final String VERSION = load();

    private BrigadeVersion() {
    }

    /** What a process offers (a worker) or asks for by default (a dispatch). */
    public static Map<String, String> components() {
        return Map.of(COMPONENT, VERSION);
    }

    private static String load() {
        try (InputStream in = BrigadeVersion.class.getResourceAsStream("/brigade-version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "0.0.0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
