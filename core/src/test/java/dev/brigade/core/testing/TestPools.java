package dev.brigade.core.testing;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/**
 * Reactive pools on a test database. Apart from {@link TestDatabase} so that the class verifier
 * needs no Vert.x class to load TestDatabase: brigade-client's JDBC tests run without Vert.x.
 */
final class TestPools {
    private TestPools() {
    }

    static Pool open(String url, Vertx vertx, int size) {
        return Pool.newInstance(PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(size))
                .connectingTo(PgConnectOptions.fromUri(url))
                .using(vertx.getDelegate())
                .build());
    }
}
