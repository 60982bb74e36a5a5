use crate::code_enum;

code_enum! {
    /// What kind of organization registers.
    pub enum OrgKind {
        /// Doanh nghiệp khoa học và công nghệ (certified S&T enterprise).
        StEnterprise => "st_enterprise",
        /// Doanh nghiệp khởi nghiệp sáng tạo (innovative startup).
        Startup => "startup",
        /// Nhóm nghiên cứu (research group, hosted by an institution).
        ResearchGroup => "research_group",
        /// Viện nghiên cứu, trường đại học.
        Institute => "institute",
        /// Vườn ươm, cơ sở ươm tạo.
        Incubator => "incubator",
        /// Tổ chức trung gian của thị trường KH&CN.
        Intermediary => "intermediary",
        /// Quỹ đầu tư, quỹ phát triển KH&CN.
        Fund => "fund",
        /// Any business, typically posting technology needs.
        Enterprise => "enterprise",
    }
}

impl OrgKind {
    /// Legal entities are registered under a tax code; research groups need not be.
    pub fn requires_tax_code(self) -> bool {
        !matches!(self, OrgKind::ResearchGroup)
    }
}

code_enum! {
    /// Kinds of intermediary organizations of the S&T market.
    pub enum IntermediaryType {
        TechnologyExchange => "technology_exchange",
        TransferCentre => "transfer_centre",
        Consulting => "consulting",
        AssessmentValuation => "assessment_valuation",
        Brokerage => "brokerage",
        IpServices => "ip_services",
    }
}

code_enum! {
    /// Size by the SME classification (Decree 80/2021/NĐ-CP).
    pub enum SizeBand {
        Micro => "micro",
        Small => "small",
        Medium => "medium",
        Large => "large",
    }
}

code_enum! {
    pub enum MemberRole {
        Owner => "owner",
        Editor => "editor",
    }
}
