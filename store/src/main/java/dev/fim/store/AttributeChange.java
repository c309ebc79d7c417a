package dev.fim.store;

/**
 * One attribute that differs between two states, with both values as people read them ({@code
 * permissions: 0644 → 0600}). Values are null where the attribute is absent on that side (e.g. a
 * digest that was not captured).
 */
public record AttributeChange(String attribute, String oldValue, String newValue) {
  @Override
  public String toString() {
    return attribute + ": " + oldValue + " → " + newValue;
  }
}
