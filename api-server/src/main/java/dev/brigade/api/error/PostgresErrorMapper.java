package dev.brigade.api.error;

import dev.brigade.core.db.ConflictRetry;
import dev.brigade.core.db.StorableText;
import io.vertx.pgclient.PgException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;

/**
 * An error PostgreSQL (or PgBouncer, speaking for it) answered that no domain rule turned into a
 * 4xx before. A connection exception (class 08, e.g. PgBouncer's "server conn crashed?"), a server
 * shutting down or starting (57P01-57P03) or too many connections (53300) means the database is
 * out of reach for now: 503 (see {@link DatabaseUnavailable}); so is a deadlock or serialization
 * failure (40P01, 40001) left after retries: the transaction was rolled back, try again. Text it cannot store (a NUL) is the
 * caller's: 400. Anything else is a bug: 500, logged.
 */
@Provider
public class PostgresErrorMapper implements ExceptionMapper<PgException> {
    /** The request being answered (null when built outside one, as in a unit test). */
    @jakarta.ws.rs.core.Context
    jakarta.ws.rs.core.Request request;

    private static final Logger LOG = Logger.getLogger(PostgresErrorMapper.class);

    @Override
    public Response toResponse(PgException e) {
        if (unavailable(e.getSqlState())) {
            return DatabaseUnavailable.response(request);
        }
        if (ConflictRetry.isConflict(e)) {
            // only after the data-access seam's own retries (ConflictRetry) ran out
            LOG.warnf("a transaction under a request met a lock cycle or serialization failure (%s) past its retries",
                    e.getSqlState());
            return DatabaseUnavailable.conflicted();
        }
        if (unstorableText(e.getSqlState())) {
            // A backstop: validation refuses a NUL in every field it knows (StorableText) before
            // anything is sent; one that slipped past is still the caller's input, not a bug of ours.
            LOG.warnf("database refused text of a request (%s): a field is missing its StorableText check",
                    e.getSqlState());
            return Problem.response(Response.Status.BAD_REQUEST, "The request holds text PostgreSQL cannot store",
                    java.util.List.of(new dev.brigade.core.error.FieldError("request", StorableText.NUL_RULE)));
        }
        LOG.errorf(e, "database error %s under a request", e.getSqlState());
        return Problem.response(Response.Status.INTERNAL_SERVER_ERROR, "The database reported an unexpected error.");
    }

    /** 22P05 (a \\u0000 escape in jsonb) and 22021 (a NUL byte in text). */
    static boolean unstorableText(String sqlState) {
        return "22P05".equals(sqlState) || "22021".equals(sqlState);
    }

    static boolean unavailable(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.equals("57P01") || sqlState.equals("57P02")
                || sqlState.equals("57P03") || sqlState.equals("53300"));
    }
}
