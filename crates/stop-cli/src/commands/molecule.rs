//! `stop molecule FILE_OR_NAME [--json]`: levels, lines, partners and the strongest lines.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use serde::Serialize;
use stop_molecule::Molecule;

/// Arguments of `stop molecule`.
#[derive(Debug, clap::Args)]
pub struct MoleculeArgs {
    /// A LAMDA file, or the name of a shipped molecule (co, 13co, c18o, hco+, hcn, cs, sio,
    /// o-h2co, p-h2co, o-h2o, p-h2o).
    pub molecule: String,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Temperature at which the strongest lines are ranked (LTE, optically thin), K.
    #[arg(long, default_value_t = 100.0)]
    pub rank_tex_k: f64,
    /// Extra directory to search for molecule files.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

#[derive(Serialize)]
struct Summary<'a> {
    name: &'a str,
    weight_amu: f64,
    n_levels: usize,
    n_lines: usize,
    freq_range_ghz: [f64; 2],
    partners: Vec<PartnerSummary<'a>>,
    strongest_lines: Vec<LineSummary<'a>>,
    partition_function: Vec<[f64; 2]>,
}

#[derive(Serialize)]
struct PartnerSummary<'a> {
    id: u8,
    name: &'static str,
    description: &'a str,
    n_transitions: usize,
    tmin_k: f64,
    tmax_k: f64,
}

#[derive(Serialize)]
struct LineSummary<'a> {
    index: usize,
    up_label: &'a str,
    low_label: &'a str,
    freq_ghz: f64,
    e_up_k: f64,
    a_ul_s: f64,
}

fn summarise(m: &Molecule, rank_tex_k: f64) -> Summary<'_> {
    let freqs = m.lines.iter().map(|l| l.freq_ghz);
    let freq_range_ghz = [freqs.clone().fold(f64::INFINITY, f64::min), freqs.fold(0.0, f64::max)];
    Summary {
        name: &m.name,
        weight_amu: m.weight_amu,
        n_levels: m.n_levels(),
        n_lines: m.n_lines(),
        freq_range_ghz,
        partners: m
            .partners
            .iter()
            .map(|p| PartnerSummary {
                id: p.kind.lamda_id(),
                name: p.kind.name(),
                description: &p.description,
                n_transitions: p.transitions.len(),
                tmin_k: p.temperatures_k[0],
                tmax_k: p.temperatures_k[p.temperatures_k.len() - 1],
            })
            .collect(),
        strongest_lines: m
            .strongest_lines(rank_tex_k, 10)
            .into_iter()
            .map(|i| {
                let line = &m.lines[i];
                LineSummary {
                    index: i + 1,
                    up_label: &m.levels[line.up].label,
                    low_label: &m.levels[line.lo].label,
                    freq_ghz: line.freq_ghz,
                    e_up_k: line.eup_k,
                    a_ul_s: line.a_ul_s,
                }
            })
            .collect(),
        partition_function: [10.0, 100.0, 300.0].iter().map(|&t| [t, m.partition_function(t)]).collect(),
    }
}

/// Run `stop molecule`.
///
/// # Errors
/// Unknown molecule, unreadable or malformed file.
pub fn run(args: &MoleculeArgs) -> anyhow::Result<()> {
    let dirs: Vec<&std::path::Path> = args.data_dir.iter().map(PathBuf::as_path).collect();
    let molecule = stop_molecule::resolve_molecule(&args.molecule, &dirs)?;
    let summary = summarise(&molecule, args.rank_tex_k);
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
        return Ok(());
    }
    write_text(&mut out, &summary, args.rank_tex_k).context("writing to stdout")
}

fn write_text(out: &mut impl std::io::Write, s: &Summary<'_>, rank_tex_k: f64) -> std::io::Result<()> {
    writeln!(out, "molecule     {}  ({} u)", s.name, s.weight_amu)?;
    writeln!(out, "levels       {}", s.n_levels)?;
    writeln!(out, "lines        {}  ({:.4} – {:.4} GHz)", s.n_lines, s.freq_range_ghz[0], s.freq_range_ghz[1])?;
    writeln!(out, "partners     {}", s.partners.len())?;
    for p in &s.partners {
        writeln!(
            out,
            "  {} {:5} {:5} transitions, T = {} – {} K  {}",
            p.id, p.name, p.n_transitions, p.tmin_k, p.tmax_k, p.description
        )?;
    }
    let q: Vec<String> = s.partition_function.iter().map(|[t, q]| format!("Q({t} K) = {q:.5}")).collect();
    writeln!(out, "partition    {}", q.join(", "))?;
    writeln!(out, "strongest lines (LTE, optically thin, T = {rank_tex_k} K):")?;
    writeln!(out, "  {:>5}  {:>10} {:>10}  {:>14}  {:>10}  {:>10}", "#", "upper", "lower", "freq_GHz", "E_up_K", "A_ul_s")?;
    for l in &s.strongest_lines {
        writeln!(
            out,
            "  {:>5}  {:>10} {:>10}  {:>14.7}  {:>10.2}  {:>10.3e}",
            l.index, l.up_label, l.low_label, l.freq_ghz, l.e_up_k, l.a_ul_s
        )?;
    }
    Ok(())
}
