print("depot-bench: nothing yet")
