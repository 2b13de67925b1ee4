"""Question -> retrieve -> look up figures -> compose -> verify -> answer, and the UI/API around it."""
