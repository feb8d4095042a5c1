import * as fs from "fs";
import * as path from "path";

// The corpus files the server's tests use (their licences are in
// server/tests/fixtures/corpus/LICENSES.md): one copy for every test suite.
const corpus = path.join(__dirname, "..", "..", "server", "tests", "fixtures", "corpus");

/** A corpus file by its path under the corpus, e.g. "resumes/gdg_data_analyst.txt". */
export function fixture(name: string): string {
  return fs.readFileSync(path.join(corpus, name), "utf8");
}
