package io.github.lakebase.junit.internal.databricks.fake;

/** An error answer of the fake, in the Databricks form: an HTTP status and {@code {error_code, message}}. */
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    ApiError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    static ApiError notFound(String what) {
        return new ApiError(404, "NOT_FOUND", what + " does not exist");
    }

    static ApiError invalid(String message) {
        return new ApiError(400, "INVALID_PARAMETER_VALUE", message);
    }

    static ApiError precondition(String message) {
        return new ApiError(400, "FAILED_PRECONDITION", message);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
