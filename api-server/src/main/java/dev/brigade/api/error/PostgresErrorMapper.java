package dev.brigade.api.error;

import io.vertx.pgclient.PgException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;

/**
 * An error PostgreSQL (or PgBouncer, speaking for it) answered that no domain rule turned into a
 * 4xx before. A connection exception (class 08, e.g. PgBouncer's "server conn crashed?"), a server
 * shutting down or starting (57P01-57P03) or too many connections (53300) means the database is
 * out of reach for now: 503 (see {@link DatabaseUnavailable}). Anything else is a bug: 500, logged.
 */
@Provider
public class PostgresErrorMapper implements ExceptionMapper<PgException> {
    private static final Logger LOG = Logger.getLogger(PostgresErrorMapper.class);

    @Override
    public Response toResponse(PgException e) {
        if (unavailable(e.getSqlState())) {
            return DatabaseUnavailable.response();
        }
        LOG.errorf(e, "database error %s under a request", e.getSqlState());
        return Problem.response(Response.Status.INTERNAL_SERVER_ERROR, "The database reported an unexpected error.");
    }

    static boolean unavailable(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.equals("57P01") || sqlState.equals("57P02")
                || sqlState.equals("57P03") || sqlState.equals("53300"));
    }
}
