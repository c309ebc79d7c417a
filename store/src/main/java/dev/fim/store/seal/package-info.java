/**
 * The baseline's integrity seal: an HMAC-SHA256, keyed by a file kept outside the watched trees,
 * over every baseline record in key order plus the store format and the config digest. A check
 * verifies it before trusting any record, so a baseline edited outside fim is detected. Must not
 * know how records are produced.
 */
package dev.fim.store.seal;
