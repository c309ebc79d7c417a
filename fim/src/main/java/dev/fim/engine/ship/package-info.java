/**
 * {@code fim ship}: the recorded events sent to an OpenSearch or Elasticsearch cluster through its
 * {@code _bulk} API, exactly once (docs/fleet.md). {@link dev.fim.engine.ship.Shipper} reads the
 * store and keeps the acknowledged sequence ({@link dev.fim.engine.ship.ShipState}); {@link
 * dev.fim.engine.ship.ShipDocuments} renders the event JSON with the host's identity; {@link
 * dev.fim.engine.ship.BulkClient} speaks HTTP(S) with authentication; {@link
 * dev.fim.engine.ship.IndexTemplate} sets up the mappings.
 */
package dev.fim.engine.ship;
