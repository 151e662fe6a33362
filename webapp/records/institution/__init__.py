"""The institution's settings pages: the occupation catalogue, users and the policy
(`services.institution`, `services.planning.policy`)."""
