/**
 * The platform's durable state: one SQLite file under the data directory ({@link dev.sirocco.server.store.Database}),
 * its schema kept by Flyway migrations ({@code src/main/resources/db/migration}), and one store class per table
 * ({@link dev.sirocco.server.store.KeyStore}, {@link dev.sirocco.server.store.UsageStore}) with plain SQL through JDBI.
 * Nothing here knows about HTTP.
 */
package dev.sirocco.server.store;
