/** Benchmarks: JMH for hot code, loopback load and transfer generators. */
package io.peershare.bench;
