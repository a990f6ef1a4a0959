// Fixture: a second function reading the same env var name with another value.
const atLoad = process.env.FIXTURE_VALUE;

exports.main = async () => ({ atLoad });
