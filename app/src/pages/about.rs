//! The About page: what Tailor does with a resume, and the attribution the
//! licences of its skills data require.

use leptos::prelude::*;
use leptos_meta::Title;

/// The engine's data attribution, kept beside the data it describes.
const ATTRIBUTION: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../server/data/ATTRIBUTION.md"
));
const SKILLS_LICENSE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../server/data/skill-extractor.LICENSE"
));

#[component]
pub fn AboutPage() -> impl IntoView {
    view! {
        <Title text="About — Tailor"/>
        <section class="card prose" aria-labelledby="about-title">
            <h1 id="about-title">"About Tailor"</h1>
            <p>
                "Tailor compares your resume with a job posting, shows how well they match and why, "
                "and writes a tailored version made only of facts your resume already states: it reorders, "
                "surfaces and rewords, and never adds a skill, employer, title, date, degree or number. "
                "What the posting asks for and your resume does not show is listed as "
                "\u{201c}missing \u{2014} add only if true\u{201d}."
            </p>
            {where_the_resume_goes()}
        </section>
        <section class="card prose" aria-labelledby="data-title">
            <h2 id="data-title">"Data and attribution"</h2>
            {markdown_blocks(ATTRIBUTION)}
            <details>
                <summary>"Licence of the skills list (MIT)"</summary>
                <pre class="licence">{SKILLS_LICENSE}</pre>
            </details>
        </section>
    }
}

/// Who sees the resume: this server only, or also the language model the
/// operator configured, named as the upload page names it.
fn where_the_resume_goes() -> impl IntoView {
    match crate::api::model_provider() {
        None => view! {
            <p>
                "Everything runs on the server you are using. No language model or outside service sees "
                "your resume; the only request Tailor makes is to fetch a job page when you give its URL."
            </p>
        }
        .into_any(),
        Some(p) => {
            let host_attr = p.host.clone();
            view! {
            <p data-model-host=host_attr>
                "This server sends the text of your resume and of the posting to a language model ("
                {p.model}") at "<strong>{p.host}</strong>", which proposes rewrites of your summary and "
                "bullets; Tailor keeps only the rewrites that state nothing your resume does not. "
                "You can run any job without it: the upload page has a box for that. "
                "Apart from the model, the only request Tailor makes is to fetch a job page when you give its URL."
            </p>
            }
            .into_any()
        }
    }
}

/// Just enough Markdown for the attribution file: headings, bullets and
/// paragraphs; emphasis markers are dropped.
fn markdown_blocks(text: &str) -> impl IntoView {
    let mut blocks: Vec<AnyView> = Vec::new();
    let mut paragraph: Vec<String> = Vec::new();
    let flush = |paragraph: &mut Vec<String>, blocks: &mut Vec<AnyView>| {
        if !paragraph.is_empty() {
            let text = paragraph.join(" ");
            blocks.push(view! { <p>{text}</p> }.into_any());
            paragraph.clear();
        }
    };
    for line in text.lines() {
        let line = line
            .trim()
            .replace("**", "")
            .replace("\\*", "*")
            .replace('`', "");
        if line.is_empty() {
            flush(&mut paragraph, &mut blocks);
        } else if let Some(h) = line.strip_prefix("## ") {
            flush(&mut paragraph, &mut blocks);
            blocks.push(view! { <h3>{h.to_string()}</h3> }.into_any());
        } else if line.starts_with("# ") {
            flush(&mut paragraph, &mut blocks);
        } else if let Some(item) = line.strip_prefix("- ") {
            flush(&mut paragraph, &mut blocks);
            paragraph.push(format!("\u{2022} {item}"));
        } else {
            paragraph.push(line);
        }
    }
    flush(&mut paragraph, &mut blocks);
    blocks
}
