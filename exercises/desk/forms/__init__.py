"""Forms of the teacher's desk, one module per area of the desk."""
