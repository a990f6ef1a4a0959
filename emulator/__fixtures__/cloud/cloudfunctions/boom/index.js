// Fixture: a function that throws.
exports.main = async () => {
  throw new Error('boom on purpose');
};
