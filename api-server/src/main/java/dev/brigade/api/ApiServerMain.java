package dev.brigade.api;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the api-server. With no database configured and nothing answering on the local default
 * port, it first starts an embedded PostgreSQL there (see {@link LocalDatabase}), so that
 * {@code java -jar} alone gives a working system; the worker then finds it on the same default.
 */
@QuarkusMain
public class ApiServerMain {

    public static void main(String... args) {
        LocalDatabase local = LocalDatabase.startIfNeeded();
        Quarkus.run(null, (exitCode, failure) -> {
            local.close();
            System.exit(exitCode);
        }, args);
    }
}
