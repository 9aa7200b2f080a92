package org.contrastive4j.inference.serve;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Optional bearer-token authentication ({@code Authorization: Bearer <key>}). Tokens are compared as SHA-256 digests
 * with {@link MessageDigest#isEqual} against every key, so the time taken reveals neither a key's length nor how
 * much of it a guess got right.
 */
final class BearerAuth {

    private static final String SCHEME = "Bearer ";

    private final List<byte[]> keyDigests = new ArrayList<>();

    BearerAuth(List<String> keys) {
        for (String k : keys) {
            keyDigests.add(sha256(k));
        }
    }

    boolean enabled() {
        return !keyDigests.isEmpty();
    }

    /** Whether a request with this {@code Authorization} header (null: none) may pass. */
    boolean allows(String authorization) {
        if (!enabled()) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        byte[] given = sha256(authorization.substring(SCHEME.length()).strip());
        boolean ok = false;
        for (byte[] key : keyDigests) {
            ok |= MessageDigest.isEqual(key, given); // no early exit: every key is compared
        }
        return ok;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
