package io.lamina.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** sha256 helpers and the OCI digest strings ("sha256:HEX"). */
final class Digests {

    static final String PREFIX = "sha256:";

    private Digests() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** The HEX of "sha256:HEX", checked. @throws StoreException if it is not such a digest */
    static String hexOf(String digest) {
        if (digest == null || !digest.startsWith(PREFIX) || digest.length() != PREFIX.length() + 64) {
            throw new StoreException("'" + digest + "' is not a sha256 digest (sha256:<64 hex digits>)");
        }
        String hex = digest.substring(PREFIX.length());
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                throw new StoreException("'" + digest + "' is not a sha256 digest (lowercase hex expected)");
            }
        }
        return hex;
    }

    /** The OCI chain-id of layers given bottom first: chain(L1) = L1, chain(..Ln) = sha256(chain(..Ln-1) + " " + Ln). */
    static String chainId(List<String> diffIdsBottomFirst) {
        if (diffIdsBottomFirst.isEmpty()) {
            throw new StoreException("a chain needs at least one layer");
        }
        String chain = diffIdsBottomFirst.getFirst();
        hexOf(chain);
        for (String d : diffIdsBottomFirst.subList(1, diffIdsBottomFirst.size())) {
            hexOf(d);
            chain = PREFIX + hex(sha256().digest((chain + " " + d).getBytes(StandardCharsets.US_ASCII)));
        }
        return chain;
    }
}
