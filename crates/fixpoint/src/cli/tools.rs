//! The flags of `context`, `rules`, `mcp` and `testdata`.

use clap::{Args, Subcommand, ValueEnum};

use super::OutputFormat;

#[derive(Debug, Args)]
pub struct ContextArgs {
    /// Files and directories to pack [default: the whole project].
    #[arg(value_name = "PATHS", conflicts_with = "for_test")]
    pub paths: Vec<String>,
    /// Pack what a model needs to fix this failing test instead.
    #[arg(long = "for", value_name = "NODEID")]
    pub for_test: Option<String>,
    /// Tokens the document may hold (estimated at 4 characters a token).
    #[arg(long, default_value_t = 32_000, value_name = "TOKENS")]
    pub budget: usize,
    #[arg(long, value_enum, default_value_t = ContextFormat::Markdown)]
    pub format: ContextFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ContextFormat {
    Markdown,
    Xml,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules: name, type (always, auto, agent, manual), globs, description.
    List {
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        output_format: OutputFormat,
    },
    /// Check every rule: front matter that parses, the types of description, globs and
    /// alwaysApply, absolute globs, globs that match no file, empty bodies, rules over
    /// 500 lines. Exit 1 when any error is found.
    Validate {
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        output_format: OutputFormat,
    },
    /// Create .cursor/rules/NAME.mdc from a template of the given type.
    New {
        /// The rule's name: lower-case letters, digits, `-` and `_`.
        name: String,
        /// always: in every request; auto: attached by globs; agent: read when the agent
        /// decides (by its description); manual: only when mentioned.
        #[arg(long = "type", value_enum, default_value_t = RuleKind::Auto)]
        kind: RuleKind,
    },
    /// Move the legacy .cursorrules file and v1 *.mdc.md files to .cursor/rules/*.mdc
    /// (journaled: `fixpoint undo` takes it back; a second run changes nothing).
    Migrate,
    /// Write a rule per failure category the history has seen (from its guideline),
    /// attached to the files where those failures occurred, and an AGENTS.md section.
    Generate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RuleKind {
    Always,
    Auto,
    Agent,
    Manual,
}

#[derive(Debug, Args)]
pub struct McpArgs {
    /// Let `fix` (with apply), `undo` and `repair` change files.
    #[arg(long)]
    pub allow_writes: bool,
    /// Serve streamable HTTP at http://ADDRESS/mcp instead of stdio (loopback only,
    /// e.g. 127.0.0.1:8765; port 0 picks a free one, printed on stderr).
    #[arg(long, value_name = "ADDRESS")]
    pub http: Option<std::net::SocketAddr>,
    /// Print the configuration that makes a client start this server, and exit.
    #[arg(long, value_enum, value_name = "CLIENT")]
    pub print_config: Option<McpClient>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum McpClient {
    /// For .cursor/mcp.json (in the project) or ~/.cursor/mcp.json.
    Cursor,
    /// For Claude Desktop's claude_desktop_config.json (or `claude mcp add-json`).
    Claude,
}

#[derive(Debug, Subcommand)]
pub enum TestdataCommand {
    /// Detect the stack and find the models statically (SQLAlchemy classic and 2.0, Django,
    /// Pydantic, prisma/schema.prisma): fields, types, sizes, constraints, keys,
    /// relationships, enums, and the creation order.
    Discover(TestdataDiscoverArgs),
    /// Write tests/factories.py (factory_boy), tests/seed.py (scenarios minimal, full,
    /// edge) and the fixtures of tests/conftest.py, through the journal; blocks marked
    /// `# CUSTOM` are kept, and nothing changes when the models did not.
    Generate(TestdataGenerateArgs),
    /// Run the seed scenarios (minimal, --clean, edge, --clean) against a real database,
    /// then the test suite; a failure names its model and field. The database is a fresh
    /// SQLite file, or the one --db names (postgres://...); exit 1 when a step fails.
    Verify(TestdataVerifyArgs),
}

#[derive(Debug, Args)]
pub struct TestdataDiscoverArgs {
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct TestdataGenerateArgs {
    /// Add the missing dev dependencies (factory-boy, faker) to the dev requirements file
    /// or to [dependency-groups] in pyproject.toml, instead of only reporting them.
    #[arg(long)]
    pub add_deps: bool,
    /// Say which files would change and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Regenerate files edited by hand outside their `# CUSTOM` blocks too (without it they
    /// are left as they are, their lines named, exit 1); the journal keeps the edited text,
    /// so `fixpoint undo` brings it back.
    #[arg(long)]
    pub force: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct TestdataVerifyArgs {
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output_format: OutputFormat,
}
