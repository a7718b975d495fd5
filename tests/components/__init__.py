"""Component tests: each component built directly under tests.mocks, asserting on its recorded registrations."""
