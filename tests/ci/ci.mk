# tests/ci/ci.mk - the CI engines' files run or checked here: the GitLab
# pipeline (.gitlab-ci.yml) by gitlab-ci-local, its kselftest shards merged
# against one unsharded run; the GitHub workflow (.github/workflows/) by
# action-validator. Both tools come from npm into the cache
# (scripts/npm-tools). Included by the top Makefile.
SUITES_ci += tests/ci/github.sh tests/ci/gitlab.sh
TEST_DEPS += $(BUILD)/vmlinuz $(BUILD)/rootfs.img
DEPS_TEST += nodejs python3-yaml
# The first run installs the tools (minutes: npm compiles re2), then the
# pipeline builds the tree three times over and boots four guests.
SUITE_TIMEOUTS += tests/ci/gitlab.sh=2400 tests/ci/github.sh=2400
# Three jobs at once, each a build of the tree and a guest.
SUITE_WEIGHTS += tests/ci/gitlab.sh=3
