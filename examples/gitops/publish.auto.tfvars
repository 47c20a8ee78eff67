# Whether applies publish the apps' documents (true) or only update their drafts (false).
# Committed on purpose: switching it is a pull request, reviewed with the plan it produces,
# and the saved plan that the merge applies carries the value that was reviewed.
publish = false
