//! One search contract, run against every engine: tantivy always, Meilisearch when
//! `MEILI_URL` (and `MEILI_KEY`) point at a running server.

use std::sync::Arc;

use techbridge::search::meili::MeiliEngine;
use techbridge::search::tantivy::TantivyEngine;
use techbridge::search::{Facet, Filters, ListingDoc, SearchEngine, SearchQuery, Sort, Strategy};

/// The vocabulary as the migration seeds it.
fn vocabulary() -> Arc<techbridge::vocabulary::Vocabulary> {
    Arc::new(
        techbridge::vocabulary::Vocabulary::from_csv(
            "2026.1",
            include_str!("../../migrations/reference-data/vocabulary_variants.csv"),
        )
        .unwrap(),
    )
}

fn doc(
    id: &str,
    kind: &str,
    province: &str,
    title: &str,
    summary: &str,
    keywords: &[&str],
    fields: &[&str],
) -> ListingDoc {
    let mut st_fields: Vec<String> = fields.iter().flat_map(|f| techbridge::search::with_ancestors(f)).collect();
    st_fields.sort();
    st_fields.dedup();
    ListingDoc {
        id: id.to_owned(),
        kind: kind.to_owned(),
        org_id: format!("org-{}", &id[..2]),
        province: province.to_owned(),
        title_vi: title.to_owned(),
        title_en: String::new(),
        summary: summary.to_owned(),
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        description: String::new(),
        st_fields,
        tags: Vec::new(),
        modes: vec!["licence".to_owned()],
        trl: Some(5),
        price_vnd: (kind == "offer").then_some(1_000_000_000),
        budget_min_vnd: (kind == "need").then_some(100_000_000),
        budget_max_vnd: (kind == "need").then_some(2_000_000_000),
        published_at: 1_760_000_000_000_000,
        card: String::new(),
        profile: String::new(),
    }
}

fn corpus() -> Vec<ListingDoc> {
    let mut docs = vec![
        doc(
            "n01-wastewater",
            "need",
            "92",
            "Cần công nghệ xử lý nước thải chăn nuôi",
            "Trang trại heo 5.000 con cần hệ thống xử lý nước thải đạt QCVN 62.",
            &["nước thải", "chăn nuôi"],
            &["405"],
        ),
        doc(
            "o02-biogas",
            "offer",
            "92",
            "Hầm biogas composite cho trang trại",
            "Sản xuất khí sinh học từ chất thải chăn nuôi.",
            &["biogas", "năng lượng tái tạo"],
            &["207"],
        ),
        doc(
            "o03-straw",
            "offer",
            "01",
            "Chế phẩm vi sinh phân hủy rơm rạ",
            "Công nghệ sinh học biến rơm rạ thành phân bón hữu cơ trong 20 ngày.",
            &["vi sinh", "phân bón hữu cơ"],
            &["406"],
        ),
        doc(
            "o04-pest-ai",
            "offer",
            "01",
            "Phần mềm trí tuệ nhân tạo nhận diện sâu bệnh trên lúa",
            "Ảnh chụp bằng điện thoại phát hiện sớm rầy nâu, đạo ôn.",
            &["AI", "lúa gạo"],
            &["102", "401"],
        ),
        doc(
            "o05-greenhouse",
            "offer",
            "68",
            "Hệ thống IoT giám sát nhà kính thông minh",
            "Cảm biến nhiệt độ, độ ẩm và tưới tự động cho rau quả.",
            &["IoT", "nhà kính"],
            &["202"],
        ),
        doc(
            "n06-cold-chain",
            "need",
            "56",
            "Cần giải pháp bảo quản lạnh thanh long xuất khẩu",
            "Hợp tác xã cần kéo dài thời gian bảo quản thanh long.",
            &["bảo quản", "chuỗi lạnh"],
            &["211"],
        ),
        doc(
            "o07-dryer",
            "offer",
            "66",
            "Máy sấy nông sản bằng năng lượng mặt trời",
            "Sấy cà phê, hồ tiêu, ca cao tiết kiệm điện.",
            &["máy sấy", "cà phê"],
            &["203"],
        ),
        doc(
            "o08-robot",
            "offer",
            "48",
            "Robot hàn tự động cho nhà máy cơ khí",
            "Cánh tay robot sáu trục hàn khung thép, giảm lỗi hàn.",
            &["robot", "tự động hóa"],
            &["203"],
        ),
        doc(
            "n09-erp",
            "need",
            "75",
            "Cần phần mềm quản lý sản xuất cho doanh nghiệp dệt may",
            "Doanh nghiệp 500 công nhân cần số hóa quy trình.",
            &["chuyển đổi số", "dệt may"],
            &["102"],
        ),
        doc(
            "o10-shrimp",
            "offer",
            "96",
            "Công nghệ nuôi tôm tuần hoàn khép kín",
            "Lọc sinh học giảm thay nước, nuôi tôm thẻ chân trắng mật độ cao.",
            &["thủy sản", "nuôi tôm"],
            &["405"],
        ),
        doc(
            "o11-vaccine",
            "offer",
            "92",
            "Vắc xin phòng bệnh gan thận mủ cho cá tra",
            "Vắc xin bất hoạt, tiêm một lần cho cá giống.",
            &["vắc xin", "cá tra"],
            &["403"],
        ),
        doc(
            "o12-battery",
            "offer",
            "79",
            "Hệ thống lưu trữ điện mặt trời bằng pin lithium",
            "Bộ lưu điện cho hộ gia đình và trang trại.",
            &["điện mặt trời", "pin"],
            &["202"],
        ),
        doc(
            "n13-salt-water",
            "need",
            "96",
            "Cần thiết bị lọc nước nhiễm mặn cho vùng ven biển",
            "Các xã ven biển cần nước sinh hoạt trong mùa khô.",
            &["nước sạch", "nhiễm mặn"],
            &["207"],
        ),
        doc(
            "o14-nano",
            "offer",
            "01",
            "Vật liệu nano phủ chống thấm cho công trình",
            "Lớp phủ kỵ nước bảo vệ bê tông.",
            &["vật liệu nano", "chống thấm"],
            &["210"],
        ),
        doc(
            "o15-blockchain",
            "offer",
            "79",
            "Nền tảng blockchain truy xuất nguồn gốc nông sản",
            "Mã QR và sổ cái phân tán cho chuỗi cung ứng sầu riêng.",
            &["blockchain", "sầu riêng"],
            &["102"],
        ),
        doc(
            "n16-dragon-fruit",
            "need",
            "56",
            "Cần dây chuyền chế biến thanh long sấy dẻo",
            "Công suất hai tấn quả tươi mỗi ngày.",
            &["chế biến", "thanh long"],
            &["211"],
        ),
        doc(
            "o17-drone",
            "offer",
            "92",
            "Thiết bị bay không người lái phun thuốc cho lúa",
            "Drone phun thuốc bảo vệ thực vật tiết kiệm 30% thuốc.",
            &["drone", "nông nghiệp chính xác"],
            &["401"],
        ),
        doc(
            "o18-satellite",
            "offer",
            "01",
            "Dịch vụ ảnh vệ tinh giám sát rừng",
            "Phát hiện sớm cháy rừng và mất rừng.",
            &["vệ tinh", "viễn thám"],
            &["404"],
        ),
        doc(
            "o19-xray-ai",
            "offer",
            "79",
            "Hệ thống AI hỗ trợ chẩn đoán hình ảnh X-quang phổi",
            "Đánh dấu tổn thương nghi ngờ cho bác sĩ.",
            &["y tế", "chẩn đoán hình ảnh"],
            &["301"],
        ),
        doc(
            "n20-hospital",
            "need",
            "38",
            "Cần phần mềm quản lý bệnh viện tuyến huyện",
            "Quản lý hồ sơ bệnh án điện tử và thanh toán bảo hiểm.",
            &["y tế", "bệnh án điện tử"],
            &["102"],
        ),
        doc(
            "o21-chip",
            "offer",
            "79",
            "Thiết kế vi mạch cảm biến công suất thấp",
            "Chip bán dẫn cho thiết bị IoT.",
            &["bán dẫn", "vi mạch"],
            &["202"],
        ),
        doc(
            "o22-5g",
            "offer",
            "01",
            "Trạm phát sóng 5G theo chuẩn O-RAN",
            "Thiết bị vô tuyến mở cho nhà mạng.",
            &["5G", "viễn thông"],
            &["202"],
        ),
        doc(
            "o23-mung-bean",
            "offer",
            "66",
            "Giống đậu xanh chịu hạn ĐX208",
            "Giống đậu xanh năng suất cao cho Đắk Lắk.",
            &["giống cây trồng", "đậu xanh"],
            &["401"],
        ),
        doc(
            "n24-cold-store",
            "need",
            "96",
            "Cần kho đông lạnh cho thủy sản xuất khẩu",
            "Kho âm 25 độ, sức chứa 500 tấn.",
            &["đông lạnh", "kho lạnh"],
            &["211"],
        ),
        doc(
            "o25-bioethanol",
            "offer",
            "40",
            "Quy trình sản xuất cồn sinh học từ sắn",
            "Nhiên liệu sinh học E5 từ sắn lát.",
            &["cồn sinh học", "sắn"],
            &["207"],
        ),
        doc(
            "o26-enzyme",
            "offer",
            "24",
            "Công nghệ sinh học sản xuất enzyme cho thức ăn chăn nuôi",
            "Enzyme phytase chịu nhiệt.",
            &["enzyme", "thức ăn chăn nuôi"],
            &["406"],
        ),
        doc(
            "o27-silk",
            "offer",
            "37",
            "Công nghệ dệt lụa tơ tằm cao cấp",
            "Nhuộm màu tự nhiên cho lụa tơ tằm.",
            &["lụa", "tơ tằm"],
            &["205"],
        ),
        doc(
            "o28-rice",
            "offer",
            "92",
            "Giống lúa chịu mặn OM18",
            "Lúa gạo chất lượng cao cho đồng bằng sông Cửu Long.",
            &["lúa", "giống lúa"],
            &["401"],
        ),
    ];
    // Different publication times, for sorting.
    for (n, doc) in docs.iter_mut().enumerate() {
        doc.published_at += n as i64 * 60_000_000;
    }
    docs
}

enum Expect {
    /// This listing is the best hit.
    Top(&'static str),
    /// These listings are among the hits.
    Contains(&'static [&'static str]),
    /// The first ranks above the second.
    Before(&'static str, &'static str),
    /// No hit, and no error.
    Nothing,
    /// An answer, whatever it holds (for text made only of symbols).
    Answers,
}

const CASES: &[(&str, Expect)] = &[
    ("xử lý nước thải", Expect::Top("n01-wastewater")),
    ("xu ly nuoc thai", Expect::Top("n01-wastewater")),
    ("nươc thai", Expect::Top("n01-wastewater")),
    ("nuoc thia", Expect::Contains(&["n01-wastewater"])),
    ("XỬ LÝ NƯỚC THẢI", Expect::Top("n01-wastewater")),
    ("Xu Ly Nuoc Thai Chan Nuoi", Expect::Top("n01-wastewater")),
    ("công nghệ sinh học", Expect::Contains(&["o03-straw", "o26-enzyme"])),
    ("cong nghe sinh hoc", Expect::Contains(&["o03-straw", "o26-enzyme"])),
    ("biogas", Expect::Top("o02-biogas")),
    ("trí tuệ nhân tạo", Expect::Top("o04-pest-ai")),
    ("tri tue nhan tao", Expect::Top("o04-pest-ai")),
    ("nhà kính", Expect::Top("o05-greenhouse")),
    ("nha kinh thong minh", Expect::Top("o05-greenhouse")),
    ("thanh long", Expect::Contains(&["n06-cold-chain", "n16-dragon-fruit"])),
    ("bảo quản lạnh", Expect::Top("n06-cold-chain")),
    ("may say nong san", Expect::Top("o07-dryer")),
    ("robot hàn", Expect::Top("o08-robot")),
    ("ROBOT HAN TU DONG", Expect::Top("o08-robot")),
    ("robto", Expect::Contains(&["o08-robot"])),
    ("nuôi tôm", Expect::Top("o10-shrimp")),
    ("nuoi tom tuan hoan", Expect::Top("o10-shrimp")),
    ("vắc xin cá tra", Expect::Top("o11-vaccine")),
    ("vac xin ca tra", Expect::Top("o11-vaccine")),
    ("điện mặt trời", Expect::Top("o12-battery")),
    ("dien mat troi", Expect::Contains(&["o12-battery"])),
    ("nhiễm mặn", Expect::Top("n13-salt-water")),
    ("vật liệu nano", Expect::Top("o14-nano")),
    ("vat lieu nano", Expect::Top("o14-nano")),
    ("truy xuat nguon goc", Expect::Top("o15-blockchain")),
    ("dau xanh", Expect::Top("o23-mung-bean")),
    ("đậu xanh", Expect::Top("o23-mung-bean")),
    ("DAU XANH DX208", Expect::Top("o23-mung-bean")),
    ("dong lanh", Expect::Top("n24-cold-store")),
    ("vệ tinh", Expect::Top("o18-satellite")),
    ("chẩn đoán hình ảnh", Expect::Top("o19-xray-ai")),
    ("thanhh long", Expect::Contains(&["n06-cold-chain", "n16-dragon-fruit"])),
    ("cồn sinh học", Expect::Top("o25-bioethanol")),
    ("vi mach ban dan", Expect::Top("o21-chip")),
    ("drone", Expect::Top("o17-drone")),
    ("\"nước thải\" AND (chăn:nuôi*)", Expect::Top("n01-wastewater")),
    ("lụa tơ tằm", Expect::Top("o27-silk")),
    // Exact diacritics rank first: "lụa" is silk, "lúa" is rice; both fold to "lua".
    ("lụa", Expect::Before("o27-silk", "o28-rice")),
    ("lúa", Expect::Before("o28-rice", "o27-silk")),
    ("***", Expect::Answers),
    (":(", Expect::Answers),
    ("qwertyuiop zxcvbnm", Expect::Nothing),
];

fn query(text: &str) -> SearchQuery {
    SearchQuery { text: Some(text.to_owned()), limit: 10, highlight: true, ..Default::default() }
}

async fn ids(engine: &dyn SearchEngine, request: SearchQuery) -> Vec<String> {
    engine.search(request).await.expect("search answers").hits.into_iter().map(|h| h.id).collect()
}

async fn run_contract(engine: Arc<dyn SearchEngine>) {
    engine.upsert(corpus()).await.expect("index the corpus");
    assert_eq!(engine.count().await.unwrap(), corpus().len() as u64);

    let mut failures = Vec::new();
    for (text, expect) in CASES {
        let hits = ids(engine.as_ref(), query(text)).await;
        let position = |id: &str| hits.iter().position(|h| h == id);
        let ok = match expect {
            Expect::Top(id) => hits.first().is_some_and(|h| h == id),
            Expect::Contains(wanted) => wanted.iter().all(|id| position(id).is_some()),
            Expect::Before(a, b) => matches!((position(a), position(b)), (Some(x), Some(y)) if x < y),
            Expect::Nothing => hits.is_empty(),
            Expect::Answers => true,
        };
        if !ok {
            failures.push(format!("{text:?}: got {hits:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} queries failed on {}:\n{}",
        failures.len(),
        CASES.len(),
        engine.name(),
        failures.join("\n")
    );

    // Highlights are HTML with the text escaped.
    let results = engine.search(query("nuoc thai")).await.unwrap();
    let title = results.hits[0].highlights.as_ref().and_then(|h| h.title.clone()).unwrap();
    assert!(title.contains("<b>nước</b>") && title.contains("<b>thải</b>"), "{title}");

    // Filters.
    let filtered = |filters: Filters| SearchQuery { filters, limit: 50, ..Default::default() };
    let needs = ids(engine.as_ref(), filtered(Filters { kind: Some("need".into()), ..Default::default() })).await;
    assert_eq!(needs.len(), 7);
    assert!(needs.iter().all(|id| id.starts_with('n')));
    let agriculture =
        ids(engine.as_ref(), filtered(Filters { st_field: Some("4".into()), ..Default::default() })).await;
    let mut agriculture_sorted = agriculture.clone();
    agriculture_sorted.sort();
    assert_eq!(
        agriculture_sorted,
        vec![
            "n01-wastewater",
            "o03-straw",
            "o04-pest-ai",
            "o10-shrimp",
            "o11-vaccine",
            "o17-drone",
            "o18-satellite",
            "o23-mung-bean",
            "o26-enzyme",
            "o28-rice"
        ]
    );
    let in_can_tho = ids(
        engine.as_ref(),
        SearchQuery {
            text: Some("lua".into()),
            filters: Filters { province: Some("92".into()), ..Default::default() },
            limit: 50,
            ..Default::default()
        },
    )
    .await;
    assert!(in_can_tho.contains(&"o28-rice".to_owned()) && !in_can_tho.contains(&"o27-silk".to_owned()));
    let cheap = ids(engine.as_ref(), filtered(Filters { price_max: Some(500_000_000), ..Default::default() })).await;
    assert_eq!(cheap.len(), 7, "needs whose budget starts below, no offer: {cheap:?}");
    let excluded = ids(
        engine.as_ref(),
        SearchQuery {
            text: Some("biogas".into()),
            filters: Filters { exclude_org: Some("org-o0".into()), ..Default::default() },
            limit: 10,
            ..Default::default()
        },
    )
    .await;
    assert!(!excluded.iter().any(|id| id.starts_with("o0")));

    // Newest first, pages that do not overlap.
    let newest = ids(engine.as_ref(), SearchQuery { sort: Sort::Newest, limit: 3, ..Default::default() }).await;
    assert_eq!(newest, vec!["o28-rice", "o27-silk", "o26-enzyme"]);
    let next =
        ids(engine.as_ref(), SearchQuery { sort: Sort::Newest, limit: 3, offset: 3, ..Default::default() }).await;
    assert_eq!(next, vec!["o25-bioethanol", "n24-cold-store", "o23-mung-bean"]);

    // Facets count over all matches.
    let facets = engine
        .search(SearchQuery { facets: vec![Facet::Kind, Facet::Province], limit: 1, ..Default::default() })
        .await
        .unwrap()
        .facets;
    let count = |facet: &str, value: &str| facets[facet].iter().find(|f| f.value == value).map_or(0, |f| f.count);
    assert_eq!((count("kind", "offer"), count("kind", "need")), (21, 7));
    assert_eq!(count("province", "92"), 5);

    // Candidate retrieval for matching: any word may match.
    let candidates = ids(
        engine.as_ref(),
        SearchQuery {
            text: Some("công nghệ xử lý nước thải chăn nuôi biogas".into()),
            filters: Filters { kind: Some("offer".into()), ..Default::default() },
            strategy: Strategy::AnyWords,
            limit: 5,
            ..Default::default()
        },
    )
    .await;
    assert!(candidates.contains(&"o02-biogas".to_owned()), "{candidates:?}");

    // Published after a moment, to the microsecond: a listing published 300 ms after the
    // newest is told apart from it, though both fall in one second.
    let newest_at = corpus().iter().map(|d| d.published_at).max().unwrap();
    let mut moment_later = corpus()[0].clone();
    moment_later.id = "n99-moment-later".into();
    moment_later.published_at = newest_at + 300_000;
    engine.upsert(vec![moment_later]).await.unwrap();
    let after = |at: i64| filtered(Filters { published_after: Some(at), ..Default::default() });
    assert_eq!(ids(engine.as_ref(), after(newest_at + 100_000)).await, vec!["n99-moment-later"]);
    let mut since_newest = ids(engine.as_ref(), after(newest_at - 1)).await;
    since_newest.sort();
    assert_eq!(since_newest, vec!["n99-moment-later", "o28-rice"]);
    engine.remove(vec!["n99-moment-later".into()]).await.unwrap();

    // Removal and a 10 000-character query.
    engine.remove(vec!["o08-robot".into()]).await.unwrap();
    assert!(!ids(engine.as_ref(), query("robot hàn")).await.contains(&"o08-robot".to_owned()));
    let long = "nước thải ".repeat(1000);
    engine.search(query(&long)).await.expect("a long query is answered");

    // A rebuild replaces everything at once.
    let mut rebuild = engine.start_rebuild().await.unwrap();
    rebuild.add(corpus()[..3].to_vec()).await.unwrap();
    rebuild.finish().await.unwrap();
    assert_eq!(engine.count().await.unwrap(), 3);
    assert_eq!(ids(engine.as_ref(), query("xu ly nuoc thai")).await, vec!["n01-wastewater"]);
}

/// Regional and technical variants: a search in one region's words finds a listing written
/// in another's, in marketplace search (every word) and in match retrieval (any word); and
/// an ambiguous word is expanded from, never to.
async fn run_synonyms(engine: Arc<dyn SearchEngine>) {
    let docs = vec![
        doc(
            "o31-pork",
            "offer",
            "01",
            "Quy trình chăn nuôi lợn an toàn sinh học",
            "Trang trại lợn thịt.",
            &[],
            &["402"],
        ),
        doc("o32-pineapple", "offer", "37", "Dứa sấy dẻo ít đường", "Sản phẩm từ dứa Quỳnh Lưu.", &[], &["211"]),
        doc("o33-cassava", "offer", "40", "Tinh bột sắn biến tính cho ngành giấy", "Nhà máy sắn.", &[], &["204"]),
        doc(
            "o34-compost",
            "offer",
            "66",
            "Hướng dẫn ủ phân từ vỏ cà phê",
            "Phân hữu cơ cho vườn cà phê.",
            &[],
            &["401"],
        ),
        doc("o35-rice", "offer", "92", "Giống lúa gạo thơm ST25", "Gạo thơm đặc sản.", &[], &["401"]),
        doc("o36-drone", "offer", "92", "UAV phun thuốc cho lúa", "Bay tự động theo bản đồ.", &[], &["203"]),
    ];
    engine.upsert(docs).await.expect("index the synonym corpus");
    for (text, expected) in [
        ("heo", "o31-pork"),
        ("trại heo an toàn sinh học", "o31-pork"),
        ("khóm", "o32-pineapple"),
        ("khóm sấy dẻo", "o32-pineapple"),
        ("khoai mì", "o33-cassava"),
        ("tinh bột khoai mì", "o33-cassava"),
        ("compost", "o34-compost"),
        ("máy bay không người lái", "o36-drone"),
        ("drone", "o36-drone"),
        ("drone cho lúa", "o36-drone"),
    ] {
        for strategy in [Strategy::AllWords, Strategy::AnyWords] {
            let hits = ids(engine.as_ref(), SearchQuery { strategy, ..query(text) }).await;
            assert_eq!(
                hits.first().map(String::as_str),
                Some(expected),
                "{text:?} ({strategy:?}) on {}: {hits:?}",
                engine.name()
            );
        }
    }
    // "thơm" may mean pineapple, so it finds dứa; "dứa" never finds "gạo thơm".
    assert!(ids(engine.as_ref(), query("thơm")).await.contains(&"o32-pineapple".to_owned()));
    assert!(!ids(engine.as_ref(), query("dứa")).await.contains(&"o35-rice".to_owned()));
}

#[tokio::test]
async fn tantivy_honours_the_search_contract() {
    let dir = tempfile::tempdir().unwrap();
    let engine = TantivyEngine::open(dir.path().join("search"), 50, vocabulary()).await.unwrap();
    run_contract(Arc::new(engine)).await;
}

#[tokio::test]
async fn tantivy_finds_regional_and_technical_variants() {
    let dir = tempfile::tempdir().unwrap();
    let engine = TantivyEngine::open(dir.path().join("search"), 50, vocabulary()).await.unwrap();
    run_synonyms(Arc::new(engine)).await;
}

#[tokio::test]
async fn meilisearch_finds_regional_and_technical_variants() {
    let Ok(url) = std::env::var("MEILI_URL") else {
        eprintln!("skipped: MEILI_URL is not set, so Meilisearch's synonyms were not exercised");
        return;
    };
    let key = std::env::var("MEILI_KEY").unwrap_or_default();
    let index = format!("synonyms_{}", uuid::Uuid::new_v4().simple());
    let engine = MeiliEngine::connect(&url, &key, &index, vocabulary()).await.expect("Meilisearch answers");
    run_synonyms(Arc::new(engine)).await;
    let client = meilisearch_sdk::client::Client::new(url, (!key.is_empty()).then_some(key)).unwrap();
    let _ = client.index(&index).delete().await;
}

#[tokio::test]
async fn meilisearch_honours_the_search_contract() {
    let Ok(url) = std::env::var("MEILI_URL") else {
        eprintln!("skipped: MEILI_URL is not set, so the Meilisearch adapter was not exercised");
        return;
    };
    let key = std::env::var("MEILI_KEY").unwrap_or_default();
    let index = format!("contract_{}", uuid::Uuid::new_v4().simple());
    let engine = MeiliEngine::connect(&url, &key, &index, vocabulary()).await.expect("Meilisearch answers");
    run_contract(Arc::new(engine)).await;
    let client = meilisearch_sdk::client::Client::new(url, (!key.is_empty()).then_some(key)).unwrap();
    let _ = client.index(&index).delete().await;
}
