/**
 * The index server: a registry of who provides what (a queue of providers per content, leases),
 * kept apart from the UDP loop around it, with stateless cookies, a reply cache and limits.
 */
package io.peershare.index;
