package io.peershare.index;

class MemoryRegistryTest extends RegistryContractTest {
  @Override
  protected Registry newRegistry(long lease, RegistryLimits limits) {
    return new MemoryRegistry(lease, limits);
  }
}
