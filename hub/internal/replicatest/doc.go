// Package replicatest runs several real presence-hub processes as replicas of one hub — one PostgreSQL
// database, one NATS — and checks what scaling out promises: a change accepted by any replica reaches
// every client and vendor, background work runs on exactly one replica, and when a replica is killed
// its clients move to a survivor and the outbox carries on. Its tests skip without PRESENCE_TEST_POSTGRES
// and PRESENCE_TEST_NATS, and fail without them in CI.
package replicatest
