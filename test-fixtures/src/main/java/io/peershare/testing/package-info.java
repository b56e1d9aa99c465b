/**
 * Fixtures the modules' tests share: {@link io.peershare.testing.TestClock}, {@link
 * io.peershare.testing.UdpClient} and {@link io.peershare.testing.TestBytes}. Depended on with test
 * scope; it needs only the protocol, so the index's tests can use it too.
 */
package io.peershare.testing;
